/// Which chunks of a file to request next, keeping at most `capacity` in flight and never more than
/// `capacity` chunks between the lowest unfinished chunk and the next one issued.
///
/// That second rule is what makes resuming safe: when a transfer dies, every chunk below
/// `(written size − capacity × chunkLength)` is known to be complete, whatever order the agent
/// answered in, so a resume restarts from there (``resumeOffset(forPartialSize:)``).
public struct TransferWindow: Hashable, Sendable {
    /// Bytes per request.
    public let chunkLength: Int64
    /// Requests in flight at most.
    public let capacity: Int
    /// The first byte not requested yet.
    public private(set) var nextOffset: Int64
    /// Where the transfer stops (exclusive).
    public private(set) var endOffset: Int64
    private var unfinished: Set<Int64> = []

    /// A window over `[startOffset, endOffset)`.
    public init(chunkLength: Int, capacity: Int, startOffset: Int64 = 0, endOffset: Int64) {
        self.chunkLength = Int64(max(1, chunkLength))
        self.capacity = max(1, capacity)
        self.nextOffset = startOffset
        self.endOffset = endOffset
    }

    /// The next chunk to request, or `nil` when the window is full or nothing is left.
    public mutating func nextChunk() -> (offset: Int64, length: Int)? {
        guard nextOffset < endOffset, unfinished.count < capacity else { return nil }
        if let lowest = unfinished.min(), (nextOffset - lowest) / chunkLength >= Int64(capacity) { return nil }
        let offset = nextOffset
        let length = min(chunkLength, endOffset - offset)
        nextOffset += length
        unfinished.insert(offset)
        return (offset, Int(length))
    }

    /// Books the chunk at `offset` as done.
    public mutating func finished(_ offset: Int64) {
        unfinished.remove(offset)
    }

    /// Stops the transfer at `offset` (the file turned out shorter): no chunk at or past it is issued.
    public mutating func end(at offset: Int64) {
        endOffset = min(endOffset, offset)
    }

    /// Whether every chunk has been issued and finished.
    public var isComplete: Bool { nextOffset >= endOffset && unfinished.isEmpty }

    /// Where a resumed transfer must restart, given how long the partial file already is.
    public func resumeOffset(forPartialSize size: Int64) -> Int64 {
        let safe = max(0, size - Int64(capacity) * chunkLength)
        return safe - safe % chunkLength
    }
}
