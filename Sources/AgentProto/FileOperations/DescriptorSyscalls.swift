// File-descriptor system calls with the loops Go's `os.File` adds on top (ReadAt and WriteAt keep
// going until the buffer is full or the file ends), returning `Result<_, Errno>`.

package import Glibc
package import SystemPackage

/// File-descriptor system calls, Linux semantics.
package enum DescriptorSyscalls {
    /// `open(2)` with close-on-exec added, so children the agent spawns never inherit a handle.
    package static func open(_ path: String, flags: Int32, mode: mode_t) -> Result<CInt, Errno> {
        SystemCall.retrying { PathBytes.withCString(path) { Glibc.open($0, flags | O_CLOEXEC, mode) } }
    }

    /// `close(2)`, not retried: Linux releases the descriptor even when close reports EINTR.
    @discardableResult
    package static func close(_ descriptor: CInt) -> Result<Void, Errno> {
        SystemCall.once { Glibc.close(descriptor) }.map { _ in () }
    }

    /// The outcome of a positional read: the bytes read and whether the file ended first.
    package struct ReadOutcome {
        /// The bytes read (possibly fewer than asked).
        package var bytes: [UInt8]
        /// The read stopped at end of file before filling the request.
        package var reachedEnd: Bool
        /// The error that stopped the read early, if any (bytes before it are kept).
        package var error: Errno?
    }

    /// `pread(2)` until `count` bytes are read, the file ends, or an error stops it.
    package static func read(_ descriptor: CInt, count: Int, at offset: Int64) -> ReadOutcome {
        var outcome = ReadOutcome(bytes: [], reachedEnd: false, error: nil)
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var filled = 0
            while filled < count {
                let result = SystemCall.retrying {
                    pread(descriptor, buffer.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled))
                }
                switch result {
                case .failure(let error):
                    outcome.error = error
                case .success(0):
                    outcome.reachedEnd = true
                case .success(let read):
                    filled += read
                    continue
                }
                break
            }
            initialized = filled
        }
        outcome.bytes = bytes
        return outcome
    }

    /// `pwrite(2)` (or `write(2)` at the current position when `offset` is nil) until every byte is
    /// written; returns the count written and the error that stopped it early, if any.
    package static func write(_ descriptor: CInt, _ bytes: [UInt8], at offset: Int64?) -> (count: Int, error: Errno?) {
        bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let result = SystemCall.retrying {
                    if let offset {
                        return pwrite(
                            descriptor, buffer.baseAddress! + written, buffer.count - written,
                            off_t(offset) + off_t(written))
                    }
                    return Glibc.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                }
                switch result {
                case .failure(let error): return (written, error)
                case .success(let count): written += count
                }
            }
            return (written, nil)
        }
    }

    /// `fsync(2)`.
    package static func synchronize(_ descriptor: CInt) -> Result<Void, Errno> {
        SystemCall.retrying { fsync(descriptor) }.map { _ in () }
    }

    /// `ftruncate(2)`.
    package static func truncate(_ descriptor: CInt, size: Int64) -> Result<Void, Errno> {
        SystemCall.retrying { ftruncate(descriptor, off_t(size)) }.map { _ in () }
    }

    /// `fstat(2)`.
    package static func status(of descriptor: CInt) -> Result<stat, Errno> {
        var buffer = stat()
        return SystemCall.retrying { fstat(descriptor, &buffer) }.map { _ in buffer }
    }
}
