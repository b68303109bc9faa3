// The session thread's side of SSHChannel: every method takes the lock briefly and resumes waiters after it.
import AgentProto
import Synchronization

extension SSHChannel: SSHChannelEndpoint {
    func channelStarted() {
        let waiter = state.withLock { state in
            state.started = .success(())
            defer { state.startWaiter = nil }
            return state.startWaiter
        }
        waiter?.resume(returning: .success(()))
    }

    func receive(_ bytes: UnsafeRawBufferPointer, isStandardError: Bool) {
        let (sink, hasQueuedOutput) = state.withLock { ($0.frameSink, $0.outputHead < $0.output.count) }
        if let sink {
            if hasQueuedOutput { flushToSink() }
            if isStandardError {
                sink.standardError(Array(bytes))
            } else {
                sink.endpoint.receive(bytes)
            }
            return
        }
        let chunk = SSHChannelChunk(stream: isStandardError ? .standardError : .standardOutput, bytes: Array(bytes))
        let waiter = state.withLock { state in
            guard let waiter = state.outputWaiter else {
                state.output.append(chunk)
                state.outputByteCount += chunk.bytes.count
                if state.outputByteCount >= Self.highWatermark { state.isPaused = true }
                return nil as CheckedContinuation<Result<SSHChannelChunk?, SSHError>, Never>?
            }
            state.outputWaiter = nil
            return waiter
        }
        waiter?.resume(returning: .success(chunk))
    }

    var isReceivingPaused: Bool {
        let (sink, isPaused) = state.withLock { ($0.frameSink, $0.isPaused) }
        return sink?.endpoint.isReceivingPaused ?? isPaused
    }

    /// Only a channel carrying a mux has replies to wait for; a plain command's output may take any time.
    var isAwaitingReply: Bool {
        state.withLock { $0.frameSink }?.endpoint.isAwaitingReply ?? false
    }

    func receiveEnded() {
        let (hasSink, waiter) = state.withLock { state in
            state.outputEnded = true
            guard state.frameSink == nil else {
                return (true, nil as CheckedContinuation<Result<SSHChannelChunk?, SSHError>, Never>?)
            }
            defer { state.outputWaiter = nil }
            return (false, state.outputHead < state.output.count ? nil : state.outputWaiter)
        }
        if hasSink { flushToSink() }
        waiter?.resume(returning: .success(nil))
    }

    func takeOutboundBytes() -> [UInt8]? {
        let (sink, hasQueuedOutput) = state.withLock { ($0.frameSink, $0.outputHead < $0.output.count) }
        if let sink {
            // Called on every turn of the session loop: output queued before the hand-over goes first.
            if hasQueuedOutput { flushToSink() }
            return sink.endpoint.takeOutboundBytes()
        }
        let (chunks, waiters) = state.withLock { state in
            guard !state.input.isEmpty else {
                return ([[UInt8]]?.none, [CheckedContinuation<Result<Void, SSHError>, Never>]())
            }
            let chunks = state.input
            state.input.removeAll(keepingCapacity: true)
            state.inputByteCount = 0
            defer { state.writeWaiters = [] }
            return (chunks, state.writeWaiters)
        }
        for waiter in waiters { waiter.resume(returning: .success(())) }
        // Joined outside the lock, chunk by chunk (memcpy), into one buffer for fewer channel writes.
        guard let chunks, chunks.count > 1 else { return chunks?.first }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(chunks.reduce(0) { $0 + $1.count })
        for chunk in chunks { bytes.append(contentsOf: chunk) }
        return bytes
    }

    var isInputClosed: Bool { state.withLock { $0.isInputClosed } }

    var isAbandoned: Bool { state.withLock { $0.isAbandoned } }

    func finished(_ outcome: Result<SSHExitStatus, SSHError>) {
        let (startWaiter, outputWaiter, writeWaiters, exitWaiters, startOutcome, outputOutcome) = state.withLock {
            state in
            state.outcome = outcome
            let startOutcome: Result<Void, SSHError>
            switch outcome {
            case .success: startOutcome = .success(())
            case .failure(let error): startOutcome = .failure(error)
            }
            if state.started == nil { state.started = startOutcome }
            let outputWaiter = state.outputWaiter
            // Only a waiting reader takes a chunk here; queued chunks stay for the next `next()`.
            let outputOutcome = outputWaiter == nil ? .success(nil) : state.takeChunk() ?? .success(nil)
            defer {
                state.startWaiter = nil
                state.outputWaiter = nil
                state.writeWaiters = []
                state.exitWaiters = []
            }
            return (state.startWaiter, outputWaiter, state.writeWaiters, state.exitWaiters, startOutcome, outputOutcome)
        }
        flushToSink()
        startWaiter?.resume(returning: startOutcome)
        outputWaiter?.resume(returning: outputOutcome)
        let writeOutcome: Result<Void, SSHError> = outcome.map { _ in () }.flatMapError { .failure($0) }
        for waiter in writeWaiters { waiter.resume(returning: writeOutcome) }
        for waiter in exitWaiters { waiter.resume(returning: outcome) }
    }
}
