#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few system calls recordings need, each retried on `EINTR` and turned into a ``RecordingError``
/// where it failed. The descriptor belongs to whoever holds the value; it closes it once.
struct RecordingFile: Sendable {
    /// The open file descriptor.
    let descriptor: Int32
    /// The path it was opened with, for messages.
    let path: String

    /// Creates or truncates `path` for writing, readable and writable by its owner only (0600):
    /// recordings hold commands' environments and output.
    static func create(_ path: String) throws(RecordingError) -> RecordingFile {
        let descriptor = retryingInterrupts { open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o600) }
        guard descriptor >= 0 else {
            throw RecordingError(
                .openFailed, "cannot create the recording; check that its directory exists and is writable",
                path: path, systemErrorNumber: errno)
        }
        // O_CREAT's mode applies only to a new file: an existing one keeps its mode unless changed.
        guard fchmod(descriptor, 0o600) == 0 else {
            let error = errno
            _ = systemClose(descriptor)
            throw RecordingError(
                .openFailed, "cannot make the recording private (mode 0600); check who owns the file",
                path: path, systemErrorNumber: error)
        }
        return RecordingFile(descriptor: descriptor, path: path)
    }

    /// Opens `path` for reading.
    static func openForReading(_ path: String) throws(RecordingError) -> RecordingFile {
        let descriptor = retryingInterrupts { open(path, O_RDONLY | O_CLOEXEC) }
        guard descriptor >= 0 else {
            throw RecordingError(
                .openFailed, "cannot open the recording; check the path and its permissions",
                path: path, systemErrorNumber: errno)
        }
        return RecordingFile(descriptor: descriptor, path: path)
    }

    /// Writes every byte of `pieces`, in order, with as few `writev` calls as the kernel allows.
    func writeAll(_ pieces: [UnsafeRawBufferPointer]) throws(RecordingError) {
        var vectors = pieces.filter { !$0.isEmpty }.map {
            iovec(iov_base: UnsafeMutableRawPointer(mutating: $0.baseAddress), iov_len: $0.count)
        }
        var first = 0
        while first < vectors.count {
            // Linux takes at most IOV_MAX (1024) vectors per call.
            let batch = min(vectors.count - first, 1024)
            let count = vectors.withUnsafeBufferPointer { vectors in
                retryingInterrupts { writev(descriptor, vectors.baseAddress! + first, Int32(batch)) }
            }
            guard count > 0 else {
                throw RecordingError(
                    .writeFailed, "cannot write the recording; check free space and the file system",
                    path: path, systemErrorNumber: count < 0 ? errno : EIO)
            }
            // Skip what was written: whole vectors, then part of the next one.
            var remaining = count
            while remaining > 0, remaining >= vectors[first].iov_len {
                remaining -= vectors[first].iov_len
                first += 1
            }
            if remaining > 0 {
                vectors[first].iov_base += remaining
                vectors[first].iov_len -= remaining
            }
        }
    }

    /// Reads up to `buffer.count` bytes; 0 means end of file.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(RecordingError) -> Int {
        let count = retryingInterrupts { systemRead(descriptor, buffer.baseAddress, buffer.count) }
        guard count >= 0 else {
            throw RecordingError(.readFailed, "cannot read the recording", path: path, systemErrorNumber: errno)
        }
        return count
    }

    /// Reads up to `chunk.count` bytes into `chunk`; 0 means end of file.
    func read(into chunk: inout [UInt8]) throws(RecordingError) -> Int {
        let result = chunk.withUnsafeMutableBytes { (buffer) -> Result<Int, RecordingError> in
            do throws(RecordingError) {
                return .success(try read(into: buffer))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Moves the read position to `offset` from the start of the file.
    func seek(to offset: Int) throws(RecordingError) {
        guard lseek(descriptor, off_t(offset), SEEK_SET) >= 0 else {
            throw RecordingError(
                .seekFailed, "cannot move to an offset in the recording", path: path, byteOffset: offset,
                systemErrorNumber: errno)
        }
    }

    /// The file's current size in bytes.
    func size() throws(RecordingError) -> Int {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw RecordingError(.readFailed, "cannot stat the recording", path: path, systemErrorNumber: errno)
        }
        return Int(status.st_size)
    }

    /// Closes the descriptor. A failed close of a written file can mean lost data, so it is reported.
    func close() throws(RecordingError) {
        // Linux releases the descriptor even when close fails, so it is never retried.
        guard systemClose(descriptor) == 0 else {
            throw RecordingError(
                .writeFailed, "closing the recording failed; its last bytes may be lost", path: path,
                systemErrorNumber: errno)
        }
    }

    /// The C library's text for an `errno` value.
    static func describe(errorNumber: Int32) -> String {
        guard let text = strerror(errorNumber) else { return "errno \(errorNumber)" }
        return String(cString: text)
    }

    private static func retryingInterrupts<Result: BinaryInteger>(_ call: () -> Result) -> Result {
        while true {
            let result = call()
            if result < 0, errno == EINTR { continue }
            return result
        }
    }

    private func retryingInterrupts<Result: BinaryInteger>(_ call: () -> Result) -> Result {
        Self.retryingInterrupts(call)
    }
}

// The methods above are named like the C calls they wrap, so these reach the C ones.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

private func systemClose(_ descriptor: Int32) -> Int32 {
    close(descriptor)
}
