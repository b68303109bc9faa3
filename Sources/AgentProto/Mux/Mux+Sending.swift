import Synchronization

extension Mux {
    /// Queues `frame` for the peer; suspends while the outbound queue is above its high watermark.
    ///
    /// - Throws: ``MuxError`` when nothing can be sent any more; `CancellationError` when the task was
    ///   cancelled before the frame was queued (once queued, a frame is sent even if the wait is cancelled).
    public func send(_ frame: Frame) async throws {
        try Task.checkCancellation()
        let waiterID = state.withLock { $0.makeWaiterID() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (action, wait) = state.withLock { state in
                    let action = state.machine.enqueue(frame, waiter: waiterID)
                    guard case .queued(_, mustWait: true) = action else { return (action, false) }
                    if Task.isCancelled {
                        _ = state.machine.cancelSendWait(waiterID)
                        return (action, false)
                    }
                    state.waiters[waiterID] = .sender(continuation)
                    return (action, true)
                }
                switch action {
                case .failed(let error):
                    continuation.resume(throwing: error)
                case .queued(let wakeWriter, _):
                    if wakeWriter { transport.outboundBytesAvailable() }
                    if !wait { continuation.resume() }
                }
            }
        } onCancel: {
            cancelWait(waiterID)
        }
    }

    /// Queues `frame` for the peer; blocks the calling thread while the outbound queue is above its
    /// high watermark. For threads that produce data (the agent's pipe readers), never for the
    /// receiving thread or the cooperative pool.
    ///
    /// - Throws: ``MuxError`` when nothing can be sent any more.
    public func sendBlocking(_ frame: Frame) throws(MuxError) {
        let result = BlockingResult<Void>()
        let action = state.withLock { state in
            let waiterID = state.makeWaiterID()
            let action = state.machine.enqueue(frame, waiter: waiterID)
            if case .queued(_, mustWait: true) = action { state.waiters[waiterID] = .blockingSender(result) }
            return action
        }
        switch action {
        case .failed(let error):
            throw error
        case .queued(let wakeWriter, let mustWait):
            if wakeWriter { transport.outboundBytesAvailable() }
            if mustWait { try result.wait().get() }
        }
    }

    /// Queues `frame` for the peer and returns at once, whatever the queue's size. For small control
    /// frames and replies, and for handlers on the receiving thread, which must never wait.
    ///
    /// - Throws: ``MuxError`` when nothing can be sent any more.
    public func sendWithoutWaiting(_ frame: Frame) throws(MuxError) {
        let action = state.withLock { $0.machine.enqueue(frame) }
        switch action {
        case .failed(let error): throw error
        case .queued(let wakeWriter, _): if wakeWriter { transport.outboundBytesAvailable() }
        }
    }

    /// Sends a Data frame on `stream` whose `count` payload bytes move from the pipe `descriptor` to
    /// the transport inside the kernel (`splice`), never copied through this process; blocks the
    /// calling thread until the frame is written, after every frame queued before it.
    ///
    /// For threads that forward a pipe (the agent's output pumps): `descriptor` must be a pipe only
    /// the caller reads, holding at least `count` (1 or more) bytes now (`FIONREAD`). The peer
    /// receives exactly the bytes ``sendBlocking(_:)`` would have sent.
    ///
    /// - Returns: false, having sent nothing, when this mux cannot splice: its transport does not,
    ///   or an observer must see the payloads it sends (a recorder). Read the bytes and send them instead.
    /// - Throws: ``MuxError`` when nothing can be sent any more.
    public func sendData(stream: UInt32, splicing count: Int, from descriptor: Int32) throws(MuxError) -> Bool {
        try sendSpliced(.data(stream: stream, payloadCount: count), count: count, from: descriptor)
    }

    /// Writes a frame whose `count` payload bytes come from the pipe `descriptor` (see
    /// ``sendData(stream:splicing:from:)``); false when this mux cannot splice.
    func sendSpliced(_ envelope: @autoclosure () -> FrameEnvelope, count: Int, from descriptor: Int32) throws(MuxError)
        -> Bool
    {
        guard configuration.observer?.observesSentFrames != true,
            let splicing = transport as? any SplicingFrameTransport
        else {
            return false
        }
        if let failure = state.withLock({ $0.machine.outputFailure }) { throw failure }
        do {
            try splicing.writeFrame(envelope(), payloadFrom: descriptor, count: count)
        } catch {
            if let failure = state.withLock({ $0.machine.outputFailure }) { throw failure }
            throw error.code == .closed
                ? MuxError(.closed, "the mux is closed; nothing more can be sent", cause: error)
                : MuxError(.sendFailed, "writing to the peer failed; the connection is gone", cause: error)
        }
        return true
    }

    /// The queued frames, observed and encoded into one buffer (the transport's writing thread).
    func takeOutboundBytes() -> [UInt8]? {
        let (frames, senders) = state.withLock { state in
            let (frames, resumed) = state.machine.takeOutbound()
            return (frames, resumed.compactMap { state.waiters.removeValue(forKey: $0) })
        }
        for sender in senders { sender.resumeSender() }
        guard !frames.isEmpty else { return nil }
        if let observer = configuration.observer {
            for frame in frames {
                do {
                    try observer.observe(frame, direction: .send)
                } catch {
                    guard reportObserverFailure(error, frame, .send) else { return nil }
                }
            }
        }
        return frames.count == 1 ? frames[0].encodedBytes() : FrameEncoder.encode(frames)
    }

    /// Unparks `waiterID` because its task was cancelled, and tells the state machine.
    func cancelWait(_ waiterID: MuxStateMachine.WaiterID) {
        let waiter: MuxWaiter? = state.withLock { state in
            guard let waiter = state.waiters.removeValue(forKey: waiterID) else { return nil }
            switch waiter {
            case .streamReader(let stream, _), .blockingStreamReader(let stream, _):
                _ = state.machine.cancelRead(stream: stream, waiter: waiterID)
            case .sender, .blockingSender:
                _ = state.machine.cancelSendWait(waiterID)
            case .fileOperation(let requestID, _):
                _ = state.machine.cancelFileOperation(id: requestID)
            case .pathQuery:
                _ = state.machine.cancelPathQuery(waiterID)
            case .exit:
                _ = state.machine.cancelExitWait(waiterID)
            }
            return waiter
        }
        waiter?.fail(CancellationError())
    }
}
