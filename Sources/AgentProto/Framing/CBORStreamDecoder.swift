/// Decodes back-to-back CBOR items of one type from a byte stream that arrives in pieces.
///
/// One buffer serves the stream's whole life: bytes are appended, complete items are decoded in
/// place, and consumed bytes are dropped only when they make up at least half the buffer, so
/// compaction costs amortised O(1) per byte. A partial item leaves the buffer untouched.
///
/// ```swift
/// var decoder = FrameDecoder()
/// decoder.append(bytesFromTheWire)
/// while let frame = try decoder.next() { handle(frame) }
/// ```
public struct CBORStreamDecoder<Item: CBORDecodable> {
    private var buffer: [UInt8] = []
    private var readIndex = 0
    /// Stream offset of `buffer[0]`.
    private var bufferOffset = 0
    private var scanner = CBORItemScanner()
    /// The limits enforced on every item.
    public let limits: CBORDecodingLimits

    /// Creates a decoder for a new stream.
    public init(limits: CBORDecodingLimits = .default) {
        self.limits = limits
    }

    /// Bytes received but not yet decoded.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Stream offset of the next item to decode: the number of bytes consumed so far.
    public var consumedByteCount: Int { bufferOffset + readIndex }

    /// Adds bytes that arrived on the stream.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compactIfWorthwhile()
        buffer.append(contentsOf: bytes)
    }

    /// Adds bytes that arrived on the stream.
    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// Decodes the next complete item.
    ///
    /// - Returns: the item, or `nil` when the buffered bytes hold no complete item yet.
    /// - Throws: ``FrameDecodingError`` when the bytes cannot be an item. The stream cannot continue
    ///   after that: item boundaries are lost.
    public mutating func next() throws(FrameDecodingError) -> Item? {
        try nextItem()?.item
    }

    /// Decodes the next complete item and returns its bytes too, for callers that check canonical
    /// form or keep the raw encoding.
    ///
    /// - Returns: the item, its encoded bytes and its stream offset, or `nil` when more bytes are needed.
    public mutating func nextWithBytes() throws(FrameDecodingError) -> (item: Item, bytes: [UInt8], offset: Int)? {
        guard let (item, range) = try nextItem() else { return nil }
        return (item, Array(buffer[range]), bufferOffset + range.lowerBound)
    }

    private mutating func nextItem() throws(FrameDecodingError) -> (item: Item, range: Range<Int>)? {
        guard readIndex < buffer.count else { return nil }
        let start = readIndex
        let streamOffset = bufferOffset
        let limits = limits
        let outcome = buffer.withUnsafeBytes { (bytes) -> Result<(Item, Int)?, FrameDecodingError> in
            do throws(FrameDecodingError) {
                guard let length = try scanner.scan(bytes, from: start, streamOffset: streamOffset, limits: limits)
                else { return .success(nil) }
                let itemBytes = UnsafeRawBufferPointer(rebasing: bytes[start..<start + length])
                var reader = CBORReader(itemBytes, streamOffset: streamOffset + start, limits: limits)
                return .success((try Item(from: &reader), length))
            } catch {
                return .failure(error)
            }
        }
        guard let (item, length) = try outcome.get() else { return nil }
        readIndex += length
        return (item, start..<start + length)
    }

    /// Confirms the stream ended cleanly, between items.
    ///
    /// - Throws: `truncated` when bytes of an unfinished item remain.
    public func finish() throws(FrameDecodingError) {
        guard bufferedByteCount == 0 else {
            throw FrameDecodingError(
                .truncated, at: consumedByteCount,
                "stream ended inside an item (\(bufferedByteCount) bytes of it received)")
        }
    }

    private mutating func compactIfWorthwhile() {
        guard readIndex > 0 else { return }
        if readIndex == buffer.count {
            bufferOffset += readIndex
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
        } else if readIndex >= buffer.count / 2 {
            bufferOffset += readIndex
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
    }
}

/// Decodes agentproto frames from the agent's or the client's byte stream.
public typealias FrameDecoder = CBORStreamDecoder<Frame>

/// Decodes recording records from a recording file's bytes.
public typealias RecordDecoder = CBORStreamDecoder<Record>
