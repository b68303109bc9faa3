extension MuxStateMachine {
    /// What a stream reader gets.
    public enum ReadAction: Sendable {
        /// The next chunk; when `resumeReceiving` is true, call the transport's `resumeReceiving()`.
        case chunk([UInt8], resumeReceiving: Bool)
        /// The stream ended with the peer's EOF.
        case end
        /// The stream cannot end normally any more: the input ended before its EOF.
        case failed(MuxError)
        /// Nothing buffered yet: park the reader; it is resumed by a later action.
        case wait
    }

    /// Starts buffering Data for `stream`; Data for streams nobody opened is dropped.
    ///
    /// - Returns: this opening's generation: a stream number closed and opened again (the agent
    ///   reused for a second command) is a new stream, and a late reader or closer holding the old
    ///   generation does not touch it.
    /// - Throws: `streamAlreadyOpen` when the stream is open already.
    @discardableResult
    public mutating func openStream(_ stream: UInt32) throws(MuxError) -> UInt64 {
        guard streams[stream] == nil else {
            throw MuxError(.streamAlreadyOpen, "stream \(stream) is already open; read it through the first handle")
        }
        nextStreamGeneration += 1
        // Opening after the input ended still gives a stream; its first read fails.
        streams[stream] = InboundStream(generation: nextStreamGeneration)
        return nextStreamGeneration
    }

    /// Takes the next chunk of `stream` for the reader `waiter`, or parks it.
    ///
    /// - Parameter generation: the opening the reader belongs to (`nil`: whichever is open); a
    ///   reader of an earlier opening sees the end.
    public mutating func read(stream id: UInt32, generation: UInt64? = nil, waiter: WaiterID) -> ReadAction {
        guard var stream = streams[id], generation == nil || generation == stream.generation else { return .end }
        if stream.hasChunk {
            let chunk = stream.popChunk()
            streams[id] = stream
            return .chunk(chunk, resumeReceiving: release(chunk.count))
        }
        if stream.isEndReceived { return .end }
        if let inputEnd { return .failed(Self.streamError(id, inputEnd)) }
        stream.reader = waiter
        streams[id] = stream
        return .wait
    }

    /// Unparks the reader `waiter` of `stream` (its task was cancelled); false when it was already resumed.
    public mutating func cancelRead(stream id: UInt32, waiter: WaiterID) -> Bool {
        guard var stream = streams[id], stream.reader == waiter else { return false }
        stream.reader = nil
        streams[id] = stream
        return true
    }

    /// Stops buffering `stream` and drops what it holds (its consumer went away).
    ///
    /// - Parameter generation: the opening to close (`nil`: whichever is open); a later opening of
    ///   the same number stays open.
    /// - Returns: the parked reader to end, and whether to resume the transport.
    public mutating func closeStream(_ id: UInt32, generation: UInt64? = nil) -> (
        reader: WaiterID?, resumeReceiving: Bool
    ) {
        guard let open = streams[id], generation == nil || generation == open.generation else { return (nil, false) }
        let stream = streams.removeValue(forKey: id) ?? open
        return (stream.reader, release(stream.bufferedByteCount))
    }

    /// Bytes buffered for `stream`.
    public func bufferedByteCount(stream: UInt32) -> Int {
        streams[stream]?.bufferedByteCount ?? 0
    }

    /// Gives `byteCount` back to the inbound budget; true when the transport may read again.
    private mutating func release(_ byteCount: Int) -> Bool {
        inboundBufferedByteCount -= byteCount
        guard isReceivingPaused, inboundBufferedByteCount <= inboundWatermarks.low else { return false }
        isReceivingPaused = false
        return true
    }

    static func streamError(_ id: UInt32, _ end: MuxInputEnd) -> MuxError {
        switch end {
        case .clean:
            MuxError(.connectionClosed, "the peer closed the connection before the end of stream \(id)")
        case .failed(let error):
            error
        }
    }
}
