import Synchronization

/// One inbound stream of a ``Mux`` (1 stdout, 2 stderr, 0 stdin on the agent, 3+ extra fds): the
/// Data chunks the peer sent, ending at its EOF.
///
/// Read it once, either as an `AsyncSequence` (client) or with ``readBlocking()`` (agent threads).
/// The chunks are the peer's Data payloads, never empty. Iteration throws ``MuxError`` when the
/// connection ends before the stream's EOF.
public struct MuxStream: AsyncSequence, Sendable {
    /// A chunk: one Data payload.
    public typealias Element = [UInt8]
    /// ``MuxError`` or `CancellationError`.
    public typealias Failure = any Error

    let mux: Mux
    /// The stream number.
    public let id: UInt32
    /// Which opening of the number this handle reads: once closed, it never reads a later opening.
    let generation: UInt64

    /// Waits for the next chunk; `nil` at the stream's end.
    ///
    /// - Throws: ``MuxError`` when the connection ended before the stream's EOF; `CancellationError`.
    public func read() async throws -> [UInt8]? {
        try Task.checkCancellation()
        let waiterID = mux.state.withLock { $0.makeWaiterID() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt8]?, any Error>) in
                let action = mux.state.withLock { state -> MuxStateMachine.ReadAction? in
                    if Task.isCancelled { return nil }
                    let action = state.machine.read(stream: id, generation: generation, waiter: waiterID)
                    if case .wait = action { state.waiters[waiterID] = .streamReader(stream: id, continuation) }
                    return action
                }
                switch action {
                case nil: continuation.resume(throwing: CancellationError())
                case .chunk(let chunk, let resumeReceiving)?:
                    if resumeReceiving { mux.transport.resumeReceiving() }
                    continuation.resume(returning: chunk)
                case .end?: continuation.resume(returning: nil)
                case .failed(let error)?: continuation.resume(throwing: error)
                case .wait?: break
                }
            }
        } onCancel: {
            mux.cancelWait(waiterID)
        }
    }

    /// Blocks the calling thread until the next chunk; `nil` at the stream's end. For threads only
    /// (the agent's child-stdin writer), never the receiving thread or the cooperative pool.
    ///
    /// - Throws: ``MuxError`` when the connection ended before the stream's EOF.
    public func readBlocking() throws(MuxError) -> [UInt8]? {
        let result = BlockingResult<[UInt8]?>()
        let action = mux.state.withLock { state in
            let waiterID = state.makeWaiterID()
            let action = state.machine.read(stream: id, generation: generation, waiter: waiterID)
            if case .wait = action { state.waiters[waiterID] = .blockingStreamReader(stream: id, result) }
            return action
        }
        switch action {
        case .chunk(let chunk, let resumeReceiving):
            if resumeReceiving { mux.transport.resumeReceiving() }
            return chunk
        case .end: return nil
        case .failed(let error): throw error
        case .wait:
            let chunk = try result.wait().get()
            return chunk
        }
    }

    /// Stops buffering this stream and drops what it holds; later Data for it is dropped. A reader
    /// still waiting sees the end of the stream.
    public func close() {
        let (action, waiter) = mux.state.withLock { state in
            let action = state.machine.closeStream(id, generation: generation)
            return (action, action.reader.flatMap { state.waiters.removeValue(forKey: $0) })
        }
        waiter?.resume(chunk: nil)
        if action.resumeReceiving { mux.transport.resumeReceiving() }
    }

    /// Reads the stream chunk by chunk.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let stream: MuxStream

        /// The next chunk, or `nil` at the stream's end.
        public mutating func next() async throws -> [UInt8]? {
            try await stream.read()
        }
    }

    /// An iterator over the chunks; iterate a stream once.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(stream: self)
    }
}

extension Mux {
    /// Starts buffering Data for stream `id` and returns it. Open the streams you expect before
    /// ``start()`` (client) or in the Exec handler (agent): Data for a stream nobody opened is dropped.
    ///
    /// - Throws: ``MuxError`` with `streamAlreadyOpen` when it is open already.
    public func openStream(_ id: UInt32) throws(MuxError) -> MuxStream {
        let generation = try state.withLock { state throws(MuxError) in try state.machine.openStream(id) }
        return MuxStream(mux: self, id: id, generation: generation)
    }
}
