import AgentProto
import Foundation
import RemoteExec

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Copies between the remote command's streams and our descriptors on dedicated threads, so
/// blocking reads and writes never run on the cooperative pool.
enum ExecStreamPump {
    /// Copies `stream` to `descriptor` until the stream ends; returns when done. A descriptor that
    /// stops accepting (a closed pipe) ends the copy and drops the rest of the stream.
    static func copy(_ stream: MuxStream, to descriptor: Int32) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                defer { continuation.resume() }
                while let chunk = try? stream.readBlocking() {
                    do {
                        try chunk.withUnsafeBytes { try StandardIO.write($0, to: descriptor) }
                    } catch {
                        stream.close()
                        return
                    }
                }
            }
            thread.name = "output fd \(descriptor)"
            thread.start()
        }
    }

    /// Sends our standard input to the command until end of file, then sends EOF. Never returns
    /// if the command ends first; the process exits then anyway.
    static func forwardStandardInput(to input: RemoteProcessInput) {
        let readSize = 256 << 10
        let thread = Thread {
            while true {
                // Read straight into the frame's payload; a short read (typing, a slow pipe) is
                // copied into a buffer its own size, so queued chunks never pin 256 KiB each.
                var count = 0
                var chunk = [UInt8](unsafeUninitializedCapacity: readSize) { buffer, initialized in
                    count = read(STDIN_FILENO, buffer.baseAddress, readSize)
                    initialized = max(count, 0)
                }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                if count < readSize / 4 { chunk = Array(chunk[...]) }
                do {
                    try input.writeBlocking(chunk)
                } catch {
                    return
                }
            }
            try? input.closeNow()
        }
        thread.name = "standard input"
        thread.start()
    }
}
