import AgentProto
import Synchronization

/// A remote command running on its own channel of an ``SSHConnection``: its output as an async
/// sequence of chunks, its input as async writes, and its exit status.
///
/// Memory stays bounded: when more than ``highWatermark`` bytes of output are unread, the session
/// thread stops reading the channel (the SSH window then stops the server) until the reader has
/// caught up to ``lowWatermark``; `write` suspends while that much input is queued.
public final class SSHChannel: Sendable {
    /// Unread output above which reading stops, and queued input above which `write` waits.
    public static let highWatermark = 1 << 20
    /// Unread output below which reading resumes, and queued input below which `write` returns.
    public static let lowWatermark = 256 << 10

    struct State: Sendable {
        var started: Result<Void, SSHError>?
        var startWaiter: CheckedContinuation<Result<Void, SSHError>, Never>?
        var output: [SSHChannelChunk] = []
        var outputHead = 0
        var outputByteCount = 0
        var isPaused = false
        var outputEnded = false
        var outputWaiter: CheckedContinuation<Result<SSHChannelChunk?, SSHError>, Never>?
        var input: [[UInt8]] = []
        var inputByteCount = 0
        var writeWaiters: [CheckedContinuation<Result<Void, SSHError>, Never>] = []
        var isInputClosed = false
        var isAbandoned = false
        var outcome: Result<SSHExitStatus, SSHError>?
        var exitWaiters: [CheckedContinuation<Result<SSHExitStatus, SSHError>, Never>] = []
        /// The frame transport that took the channel over (``attach(_:standardError:)``).
        var frameSink: FrameSink?
        /// Whether the sink was told that the output ended.
        var isSinkEnded = false
    }

    /// Where a channel taken over by a frame transport delivers: standard output to a mux
    /// endpoint, standard error to a handler.
    struct FrameSink: Sendable {
        let endpoint: any FrameTransportEndpoint
        let standardError: @Sendable ([UInt8]) -> Void
    }

    /// The command line the server runs (with the user's login shell).
    public let command: String
    let thread: SSHSessionThread
    let state = Mutex(State())
    /// Keeps the connection (and so its session thread) open while the channel is in use.
    private let connection: SSHConnection

    init(command: String, connection: SSHConnection) {
        self.command = command
        self.connection = connection
        thread = connection.thread
    }

    /// The command's output, in arrival order; standard output and standard error interleave as the
    /// server sent them. Ends after the command closes its output; throws ``SSHError`` when the
    /// connection is lost first. One consumer at a time.
    public var output: SSHChannelOutput { SSHChannelOutput(channel: self) }

    /// Queues `bytes` for the command's standard input, waiting while too much is queued.
    ///
    /// - Throws: ``SSHError`` when the input was closed or the channel is gone.
    public func write(_ bytes: [UInt8]) async throws(SSHError) {
        guard !bytes.isEmpty else { return }
        let mustWait: Result<Bool, SSHError> = state.withLock { state in
            if let failure = state.inputFailure { return .failure(failure) }
            state.input.append(bytes)
            state.inputByteCount += bytes.count
            return .success(state.inputByteCount > Self.highWatermark)
        }
        thread.wake()
        guard try mustWait.get() else { return }
        let outcome: Result<Void, SSHError> = await withCheckedContinuation { continuation in
            let immediate: Result<Void, SSHError>? = state.withLock { state in
                if let failure = state.inputFailure, state.outcome != nil { return .failure(failure) }
                guard state.inputByteCount > Self.lowWatermark else { return .success(()) }
                state.writeWaiters.append(continuation)
                return nil
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
        try outcome.get()
    }

    /// Ends the command's standard input (EOF) once the queued bytes are written.
    public func closeInput() {
        state.withLock { $0.isInputClosed = true }
        thread.wake()
    }

    /// Hands the channel to a frame transport: from now on the session thread passes standard output
    /// straight to `endpoint` (no copy, no hop to another thread), takes the bytes to send from it,
    /// and passes standard error to `standardError`. Output that arrived before comes first. The
    /// channel's `output` sequence and `write` are not used after this.
    func attach(_ endpoint: any FrameTransportEndpoint, standardError: @escaping @Sendable ([UInt8]) -> Void) {
        let sink = FrameSink(endpoint: endpoint, standardError: standardError)
        let isFinished = state.withLock { state in
            state.frameSink = sink
            return state.outcome != nil
        }
        if isFinished {
            // The session thread is done with this channel: deliver what it left here.
            flushToSink()
        } else {
            thread.wake()
        }
    }

    /// Delivers output queued before the hand-over, then the end once the channel has ended, to the
    /// sink (the session thread, or the attaching thread when the channel was finished already).
    func flushToSink() {
        let (sink, chunks, end) = state.withLock {
            state -> (FrameSink?, ArraySlice<SSHChannelChunk>, Result<Void, SSHError>?) in
            guard let sink = state.frameSink else { return (nil, [], nil) }
            let chunks = state.output[state.outputHead...]
            if !chunks.isEmpty {
                state.output = []
                state.outputHead = 0
                state.outputByteCount = 0
                state.isPaused = false
            }
            var end: Result<Void, SSHError>?
            if !state.isSinkEnded, state.outputEnded || state.outcome != nil {
                state.isSinkEnded = true
                if case .failure(let error) = state.outcome, !state.outputEnded {
                    end = .failure(error)
                } else {
                    end = .success(())
                }
            }
            return (sink, chunks, end)
        }
        guard let sink else { return }
        for chunk in chunks {
            switch chunk.stream {
            case .standardOutput: chunk.bytes.withUnsafeBytes { sink.endpoint.receive($0) }
            case .standardError: sink.standardError(chunk.bytes)
            }
        }
        switch end {
        case .success?: sink.endpoint.receiveEnded(nil)
        case .failure(let error)?: sink.endpoint.receiveEnded(error)
        case nil: break
        }
    }

    /// Closes the channel now, without waiting for the command; its output ends.
    public func close() {
        state.withLock { $0.isAbandoned = true }
        thread.wake()
    }

    /// Waits until the channel has closed and returns how the command ended.
    ///
    /// - Throws: ``SSHError`` `disconnected` when the connection was lost before the command ended.
    public func exitStatus() async throws(SSHError) -> SSHExitStatus {
        let outcome: Result<SSHExitStatus, SSHError> = await withCheckedContinuation { continuation in
            let known = state.withLock { state in
                if state.outcome == nil { state.exitWaiters.append(continuation) }
                return state.outcome
            }
            if let known { continuation.resume(returning: known) }
        }
        return try outcome.get()
    }

    /// Waits until the server accepted the command, or the channel failed to open.
    func waitUntilStarted() async throws(SSHError) {
        let outcome: Result<Void, SSHError> = await withCheckedContinuation { continuation in
            let known = state.withLock { state in
                if state.started == nil { state.startWaiter = continuation }
                return state.started
            }
            if let known { continuation.resume(returning: known) }
        }
        try outcome.get()
    }

    /// The next output chunk, `nil` at the end.
    func nextChunk() async throws(SSHError) -> SSHChannelChunk? {
        let outcome: Result<SSHChannelChunk?, SSHError> = await withCheckedContinuation { continuation in
            let (ready, shouldWake) = state.withLock { state in
                let ready = state.takeChunk()
                if ready == nil { state.outputWaiter = continuation }
                return (ready, state.resumeIfDrained())
            }
            if shouldWake { thread.wake() }
            if let ready { continuation.resume(returning: ready) }
        }
        return try outcome.get()
    }
}

extension SSHChannel.State {
    /// Why input can no longer be written, if it cannot.
    var inputFailure: SSHError? {
        if case .failure(let error) = outcome { return error }
        if outcome != nil || isAbandoned { return SSHError(.disconnected, "the command's channel is closed") }
        if isInputClosed { return SSHError(.channelOpenFailed, "the command's input was already closed") }
        return nil
    }

    /// A queued chunk, the end, or the failure; `nil` when the reader must wait.
    mutating func takeChunk() -> Result<SSHChannelChunk?, SSHError>? {
        if outputHead < output.count {
            let chunk = output[outputHead]
            outputHead += 1
            outputByteCount -= chunk.bytes.count
            if outputHead == output.count {
                output.removeAll(keepingCapacity: true)
                outputHead = 0
            }
            return .success(chunk)
        }
        if case .failure(let error) = outcome, !outputEnded { return .failure(error) }
        if outputEnded || outcome != nil { return .success(nil) }
        return nil
    }

    /// Unpauses reading once the consumer has caught up; returns whether the thread must be woken.
    mutating func resumeIfDrained() -> Bool {
        guard isPaused, outputByteCount <= SSHChannel.lowWatermark else { return false }
        isPaused = false
        return true
    }
}
