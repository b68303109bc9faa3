// ReadAt replies move file pages to the client without copying them: splice(2) from the file into
// a private pipe (which tells how many bytes the read really got, so the reply's header is right
// even when the file is shorter than asked), then from that pipe to the agent's stdout behind the
// header. A pipe is private to the worker holding it and empty again once the reply is written.

import CSystemExtras
import Glibc
import Synchronization

/// Private pipes for spliced ReadAt replies, one per worker at a time, made on first use.
final class SplicePipes: Sendable {
    /// A pipe's ends and how many bytes it holds.
    struct Pipe: Sendable {
        let read: CInt
        let write: CInt
        let capacity: Int
    }

    /// The pipe size asked for: the client reads 256 KiB at a time, and larger reads should still
    /// splice. The kernel may grant less (an unprivileged user's pipe allowance).
    private static let requestedCapacity = 1 << 20

    private let idle = Mutex<[Pipe]>([])

    deinit {
        for pipe in idle.withLock({ $0 }) { Self.close(pipe) }
    }

    /// An empty pipe; nil when no pipe can be made (out of descriptors).
    func take() -> Pipe? {
        if let pipe = idle.withLock({ $0.popLast() }) { return pipe }
        var descriptors: [CInt] = [-1, -1]
        guard mproxy_pipe_close_on_exec(&descriptors) == 0 else { return nil }
        // Refused (over the allowance): the pipe keeps its default 64 KiB.
        let granted = mproxy_set_pipe_size(descriptors[1], CInt(Self.requestedCapacity))
        return Pipe(read: descriptors[0], write: descriptors[1], capacity: granted > 0 ? Int(granted) : 64 << 10)
    }

    /// Returns a pipe for the next reply; one that still holds bytes (a reply that failed halfway)
    /// is closed instead, so no reply ever carries another's bytes.
    func give(_ pipe: Pipe) {
        guard mproxy_readable_byte_count(pipe.read) == 0 else {
            Self.close(pipe)
            return
        }
        idle.withLock { $0.append(pipe) }
    }

    /// Reads `count` bytes out of `pipe`: the reply's data when the mux cannot splice after all.
    static func drain(_ pipe: Pipe, count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var filled = 0
            while filled < count {
                let result = read(pipe.read, buffer.baseAddress! + filled, count - filled)
                if result > 0 {
                    filled += result
                } else if result == 0 || errno != EINTR {
                    break
                }
            }
            initialized = filled
        }
    }

    private static func close(_ pipe: Pipe) {
        Glibc.close(pipe.read)
        Glibc.close(pipe.write)
    }
}
