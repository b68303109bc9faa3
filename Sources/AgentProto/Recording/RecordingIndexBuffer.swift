/// The index pass's read buffer: decodes record summaries straight from the bytes read, treating
/// "ran out of bytes" as "read more", so each record is walked once (no separate scan for its end).
struct RecordingIndexBuffer {
    /// Why decoding stopped.
    enum Stop {
        case needMoreBytes
        case corrupt(FrameDecodingError)
    }

    private var storage: [UInt8]
    /// Valid bytes in `storage`.
    private var filled = 0
    /// Where the next record starts in `storage`.
    private var position = 0
    /// The file offset of `storage[0]`.
    private var storageOffset = 0
    private let limits = CBORDecodingLimits.default

    init(capacity: Int) {
        storage = [UInt8](repeating: 0, count: capacity)
    }

    /// The file offset of the next record.
    var nextOffset: Int { storageOffset + position }

    /// Bytes read but not yet part of a whole record.
    var pendingByteCount: Int { filled - position }

    /// Decodes every complete record in the buffer, calling `body` with each and its file offset.
    mutating func decodeComplete(_ body: (RecordSummary, Int) -> Void) -> Stop {
        let filled = filled
        let storageOffset = storageOffset
        let limits = limits
        var position = position
        defer { self.position = position }
        return storage.withUnsafeBytes { raw in
            while position < filled {
                var reader = CBORReader(
                    UnsafeRawBufferPointer(rebasing: raw[position..<filled]), streamOffset: storageOffset + position,
                    limits: limits)
                do throws(FrameDecodingError) {
                    let summary = try RecordSummary(from: &reader)
                    body(summary, storageOffset + position)
                    position += reader.position
                } catch  where error.code == .truncated && filled - position < limits.maximumItemSize {
                    return .needMoreBytes
                } catch {
                    return .corrupt(error)
                }
            }
            return .needMoreBytes
        }
    }

    /// Moves the unfinished record to the front (growing the buffer for a record larger than it)
    /// and reads more of the file; false at the end of the file.
    mutating func readMore(from file: RecordingFile) throws(RecordingError) -> Bool {
        if position > 0 {
            let pending = filled - position
            storage.withUnsafeMutableBytes { raw in
                raw.baseAddress!.copyMemory(from: raw.baseAddress! + position, byteCount: pending)
            }
            storageOffset += position
            filled = pending
            position = 0
        }
        if filled == storage.count {
            storage.append(contentsOf: repeatElement(0, count: storage.count))
        }
        let start = filled
        let result = storage.withUnsafeMutableBytes { (raw) -> Result<Int, RecordingError> in
            do throws(RecordingError) {
                return .success(try file.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[start...])))
            } catch {
                return .failure(error)
            }
        }
        let count = try result.get()
        filled += count
        return count > 0
    }
}
