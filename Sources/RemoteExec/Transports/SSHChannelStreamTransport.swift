import AgentProto
import Synchronization

/// Carries a mux over an ``SSHChannel`` running the agent: the channel's standard output is the
/// agent's frames, its standard error the agent's diagnostics, its standard input our frames.
///
/// Once started, the channel is handed to the mux endpoint (``SSHChannel/attach(_:standardError:)``):
/// the session thread decodes the agent's output straight from libssh's buffer and takes the mux's
/// queued bytes itself, so no byte is copied into an intermediate chunk and no other thread is
/// woken on the way. While the mux is paused the session thread leaves the channel unread, and
/// the SSH window stops the agent.
final class SSHChannelStreamTransport: FrameTransport {
    let channel: SSHChannel
    private let leftover: [UInt8]
    private let standardError: StandardErrorRelay
    private let isStarted = Mutex(false)

    /// - Parameters:
    ///   - leftover: agent output already read from the channel (after the launch marker).
    init(channel: SSHChannel, leftover: [UInt8], standardError: @escaping @Sendable ([UInt8]) -> Void) {
        self.channel = channel
        self.leftover = leftover
        self.standardError = StandardErrorRelay(standardError)
    }

    /// Sends the agent's standard error to `handler` from now on.
    func redirectStandardError(to handler: @escaping @Sendable ([UInt8]) -> Void) {
        standardError.redirect(to: handler)
    }

    func start(_ endpoint: any FrameTransportEndpoint) {
        let isFirst = isStarted.withLock { isStarted in
            defer { isStarted = true }
            return !isStarted
        }
        guard isFirst else { return }
        // Before the hand-over, so these bytes reach the mux ahead of anything the session thread reads.
        if !leftover.isEmpty { leftover.withUnsafeBytes { endpoint.receive($0) } }
        channel.attach(endpoint) { [standardError] bytes in standardError.forward(bytes) }
    }

    func outboundBytesAvailable() {
        channel.thread.wake()
    }

    func resumeReceiving() {
        channel.thread.wake()
    }

    /// The session thread runs tasks that prefer it: a reply resumes its caller where libssh
    /// delivered it, and the caller's next request leaves from there.
    var receivingExecutor: (any TaskExecutor)? { channel.thread.executor }

    /// Writes what is queued, then ends the agent's input; the agent then exits (hanging up any
    /// command still running) and the channel closes.
    func close() {
        channel.closeInput()
    }
}
