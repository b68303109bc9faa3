import AgentProto

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Unbuffered access to the process's standard streams for binary data, which `print` and
/// `readLine` cannot carry.
enum StandardIO {
    /// Reads standard input in chunks until end of file, calling `body` with each chunk.
    ///
    /// - Throws: ``SystemCallError`` when reading fails; whatever `body` throws.
    static func readStandardInput(
        chunkSize: Int = 64 << 10, _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if count == 0 { return }
            if count < 0 {
                if errno == EINTR { continue }
                throw SystemCallError(operation: "read standard input", errno: errno)
            }
            try chunk.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
    }

    /// Reads all of standard input.
    static func readAllStandardInput() throws -> [UInt8] {
        var all: [UInt8] = []
        try readStandardInput { all.append(contentsOf: $0) }
        return all
    }

    /// Writes all of `bytes` to a file descriptor, retrying short writes.
    static func write(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) throws {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw SystemCallError(operation: "write", errno: errno)
            }
            offset += written
        }
    }

    /// Writes bytes to standard output.
    static func writeStandardOutput(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0, to: STDOUT_FILENO) }
    }

    /// Writes text to standard output; file names in it that are not UTF-8 (``PathBytes``) are
    /// written as their raw bytes, as coreutils does.
    static func writeStandardOutput(_ text: String) throws {
        try writeStandardOutput(PathBytes.bytes(of: text))
    }

    /// Writes a line to standard error, ignoring failure: there is nowhere left to report it.
    static func writeStandardError(_ line: String) {
        let bytes = PathBytes.bytes(of: line + "\n")
        bytes.withUnsafeBytes { _ = try? write($0, to: STDERR_FILENO) }
    }
}

/// A system call failed.
struct SystemCallError: Error, CustomStringConvertible {
    /// What was being done.
    var operation: String
    /// The C `errno`.
    var errno: Int32

    var description: String { "\(operation) failed: \(String(cString: strerror(errno)))" }
}
