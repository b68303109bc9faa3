extension MuxStateMachine {
    /// What the driver must do after queueing a frame.
    public enum EnqueueAction: Sendable {
        /// Queued. Wake the writer when `wakeWriter`; park the sender when `mustWait` (it is resumed
        /// once the queue drains below the low watermark).
        case queued(wakeWriter: Bool, mustWait: Bool)
        /// Not queued: sending has stopped.
        case failed(MuxError)
    }

    /// Queues `frame` for the writer. With a `waiter`, the sender is parked while the outbound bytes are
    /// at or above the high watermark; without one it never waits (replies, control frames).
    public mutating func enqueue(_ frame: Frame, waiter: WaiterID? = nil) -> EnqueueAction {
        if let outputFailure { return .failed(outputFailure) }
        outboundFrames.append(frame)
        outboundQueuedByteCount += Self.budgetCost(of: frame)
        let wakeWriter = isWriterIdle
        isWriterIdle = false
        guard let waiter, outboundByteCount >= outboundWatermarks.high else {
            return .queued(wakeWriter: wakeWriter, mustWait: false)
        }
        sendWaiters.append(waiter)
        return .queued(wakeWriter: wakeWriter, mustWait: true)
    }

    /// Takes every queued frame for one write; the previous batch counts as written.
    ///
    /// - Returns: the frames (empty when the writer may go idle), and the senders to resume.
    public mutating func takeOutbound() -> (frames: [Frame], resumeSenders: [WaiterID]) {
        outboundInFlightByteCount = outboundQueuedByteCount
        outboundQueuedByteCount = 0
        let frames = outboundFrames
        outboundFrames = []
        if frames.isEmpty { isWriterIdle = true }
        guard !sendWaiters.isEmpty, outboundByteCount <= outboundWatermarks.low else { return (frames, []) }
        let resumed = sendWaiters
        sendWaiters = []
        return (frames, resumed)
    }

    /// Unparks the sender `waiter` (its task was cancelled); false when it was already resumed.
    public mutating func cancelSendWait(_ waiter: WaiterID) -> Bool {
        guard let index = sendWaiters.firstIndex(of: waiter) else { return false }
        sendWaiters.remove(at: index)
        return true
    }

    /// Books that nothing more can be sent: new frames are refused with `error`.
    ///
    /// - Parameter keepingQueued: true for an orderly close, where the writer still flushes what was
    ///   queued; false when writing failed and the queue is dropped.
    /// - Returns: the parked senders to fail with `error`, and whether this call stopped sending.
    public mutating func outputFailed(
        _ error: MuxError, keepingQueued: Bool = false
    ) -> (senders: [WaiterID], isFirstFailure: Bool) {
        guard outputFailure == nil else { return ([], false) }
        outputFailure = error
        if !keepingQueued {
            outboundFrames = []
            outboundQueuedByteCount = 0
            outboundInFlightByteCount = 0
        }
        let senders = sendWaiters
        sendWaiters = []
        return (senders, true)
    }
}
