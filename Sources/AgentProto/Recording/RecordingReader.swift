/// Reads a recording record by record, in chunks: the file is never loaded whole.
///
/// ``next()`` returns `nil` at the end of the bytes written so far. A file whose writer is still
/// running, or crashed, simply ends there (``sawFooter`` tells which); calling `next()` again later
/// picks up records written since. A file that ends inside a record throws `truncated` and bytes
/// that cannot be a record throw `corrupt`, each with the byte offset, after every record before
/// them was returned. ``seek(to:)`` restarts at any record boundary, such as an offset from a
/// ``RecordingIndex``: records are self-delimiting CBOR, so no rescan is needed.
public final class RecordingReader {
    /// The file read.
    public let path: String
    private let file: RecordingFile
    private var decoder = RecordDecoder()
    /// The file offset of the decoder's stream offset 0.
    private var baseOffset = 0
    private var chunk: [UInt8]
    private var closed = false
    /// Whether a SessionFooter has been read: a file read to its end without one was cut short
    /// (or is still being written).
    public private(set) var sawFooter = false

    /// Opens `path` for reading.
    ///
    /// - Parameters:
    ///   - path: the recording.
    ///   - chunkSize: how many bytes each read asks for (256 KiB by default).
    /// - Throws: ``RecordingError`` with `openFailed`.
    public init(path: String, chunkSize: Int = 256 << 10) throws(RecordingError) {
        self.path = path
        self.file = try RecordingFile.openForReading(path)
        self.chunk = [UInt8](repeating: 0, count: max(chunkSize, 4096))
    }

    deinit {
        if !closed { try? file.close() }
    }

    /// The file offset of the next record.
    public var offset: Int { baseOffset + decoder.consumedByteCount }

    /// The file's size now; it grows while a recorder writes it.
    public func fileSize() throws(RecordingError) -> Int { try file.size() }

    /// Continues reading at `offset`, which must be where a record starts (0, or an offset this
    /// reader or a ``RecordingIndex`` reported).
    public func seek(to offset: Int) throws(RecordingError) {
        try file.seek(to: offset)
        decoder = RecordDecoder()
        baseOffset = offset
    }

    /// The next record.
    ///
    /// - Returns: the record with its offset and length, or `nil` at the end of the bytes written so far.
    /// - Throws: ``RecordingError`` `truncated` when the file ends inside a record, `corrupt` for
    ///   bytes that are not a record (reading cannot go on after that), `readFailed`.
    public func next() throws(RecordingError) -> RecordingEntry? {
        while true {
            let start = offset
            let record: Record?
            do {
                record = try decoder.next()
            } catch {
                throw corruption(error)
            }
            if let record {
                if record.type == .sessionFooter { sawFooter = true }
                return RecordingEntry(record: record, offset: start, length: offset - start)
            }
            guard try readChunk() else {
                guard decoder.bufferedByteCount == 0 else {
                    throw RecordingError(
                        .truncated,
                        "the recording ends inside a record (\(decoder.bufferedByteCount) bytes of it): it was cut short",
                        path: path, byteOffset: start)
                }
                return nil
            }
        }
    }

    /// Reads the next chunk into the decoder; false at the end of the file.
    private func readChunk() throws(RecordingError) -> Bool {
        let count = try file.read(into: &chunk)
        guard count > 0 else { return false }
        chunk.withUnsafeBytes { decoder.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        return true
    }

    private func corruption(_ error: FrameDecodingError) -> RecordingError {
        let shifted = error.shifted(by: baseOffset)
        return RecordingError(
            .corrupt, "the recording holds bytes that are not a record; the records before them are intact",
            path: path, byteOffset: shifted.byteOffset, cause: shifted)
    }

    /// Closes the file; the reader cannot be used afterwards.
    public func close() {
        guard !closed else { return }
        closed = true
        try? file.close()
    }
}
