import AgentProto
import Synchronization

/// Carries a mux over an ``SSHChannel`` running the agent: the channel's standard output is the
/// agent's frames, its standard error the agent's diagnostics, its standard input our frames.
///
/// Two tasks move the bytes, one per direction, each suspended (never blocking) while there is
/// nothing to do: the reader stops asking the channel for output while the mux is paused, so the
/// channel's own watermark and the SSH window stop the agent; the writer takes the mux's queued
/// bytes and writes them, suspending while the channel's input queue is full.
final class SSHChannelStreamTransport: FrameTransport {
    private struct State: Sendable {
        var isStarted = false
        var resumeWaiter: CheckedContinuation<Void, Never>?
        var isResumeSignalled = false
        var writerWaiter: CheckedContinuation<Void, Never>?
        var hasOutboundWork = false
        var isClosing = false
        var standardError: (@Sendable ([UInt8]) -> Void)?
        var hasReadEnded = false
        var deferredSendFailure: SSHError?
    }

    let channel: SSHChannel
    private let leftover: [UInt8]
    private let state: Mutex<State>

    /// - Parameters:
    ///   - leftover: agent output already read from the channel (after the launch marker).
    init(channel: SSHChannel, leftover: [UInt8], standardError: @escaping @Sendable ([UInt8]) -> Void) {
        self.channel = channel
        self.leftover = leftover
        state = Mutex(State(standardError: standardError))
    }

    /// Sends the agent's standard error to `handler` from now on.
    func redirectStandardError(to handler: @escaping @Sendable ([UInt8]) -> Void) {
        state.withLock { $0.standardError = handler }
    }

    func start(_ endpoint: any FrameTransportEndpoint) {
        let isFirst = state.withLock { state in
            defer { state.isStarted = true }
            return !state.isStarted
        }
        guard isFirst else { return }
        Task { await readLoop(endpoint) }
        Task { await writeLoop(endpoint) }
    }

    func outboundBytesAvailable() {
        let waiter = state.withLock { state in
            state.hasOutboundWork = true
            defer { state.writerWaiter = nil }
            return state.writerWaiter
        }
        waiter?.resume()
    }

    func resumeReceiving() {
        let waiter = state.withLock { state in
            guard let waiter = state.resumeWaiter else {
                state.isResumeSignalled = true
                return nil as CheckedContinuation<Void, Never>?
            }
            state.resumeWaiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Writes what is queued, then ends the agent's input; the agent then exits (hanging up any
    /// command still running) and the channel closes.
    func close() {
        let waiter = state.withLock { state in
            state.isClosing = true
            state.hasOutboundWork = true
            defer { state.writerWaiter = nil }
            return state.writerWaiter
        }
        waiter?.resume()
    }

    private func readLoop(_ endpoint: any FrameTransportEndpoint) async {
        if !leftover.isEmpty { leftover.withUnsafeBytes { endpoint.receive($0) } }
        var iterator = channel.output.makeAsyncIterator()
        while true {
            while endpoint.isReceivingPaused { await waitForResume() }
            do {
                guard let chunk = try await iterator.next() else {
                    finishReading(endpoint, error: nil)
                    return
                }
                switch chunk.stream {
                case .standardOutput:
                    chunk.bytes.withUnsafeBytes { endpoint.receive($0) }
                case .standardError:
                    state.withLock { $0.standardError }?(chunk.bytes)
                }
            } catch {
                finishReading(endpoint, error: error)
                return
            }
        }
    }

    /// Reports the end of the agent's output, then a write failure that waited for it.
    private func finishReading(_ endpoint: any FrameTransportEndpoint, error: (any Error)?) {
        endpoint.receiveEnded(error)
        let deferred = state.withLock { state in
            state.hasReadEnded = true
            defer { state.deferredSendFailure = nil }
            return state.deferredSendFailure
        }
        if let deferred {
            endpoint.sendFailed(deferred)
            channel.close()
        }
    }

    private func waitForResume() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state in
                if state.isResumeSignalled {
                    state.isResumeSignalled = false
                    return true
                }
                state.resumeWaiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    private func writeLoop(_ endpoint: any FrameTransportEndpoint) async {
        while true {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let runNow = state.withLock { state in
                    if state.hasOutboundWork {
                        state.hasOutboundWork = false
                        return true
                    }
                    state.writerWaiter = continuation
                    return false
                }
                if runNow { continuation.resume() }
            }
            while let bytes = endpoint.takeOutboundBytes() {
                do {
                    try await channel.write(bytes)
                } catch {
                    // An agent that ends (a command that could not start) closes the channel while we
                    // may still be sending; its last frames, the Exit among them, can be unread yet.
                    // The mux learns of the failure only after them, or it would drop them.
                    let readHasEnded = state.withLock { state in
                        if !state.hasReadEnded { state.deferredSendFailure = error }
                        return state.hasReadEnded
                    }
                    if readHasEnded {
                        endpoint.sendFailed(error)
                        channel.close()
                    }
                    return
                }
            }
            if state.withLock({ $0.isClosing }) {
                channel.closeInput()
                return
            }
        }
    }
}
