public import AgentProto
import Logging
import Synchronization

/// Carries a ``Mux`` over an exec channel: the agent's stdout feeds the mux, the mux's frames go to
/// the agent's stdin, and the agent's stderr goes to the log.
///
/// The session thread moves the bytes; it stops reading while the mux is paused (the SSH window
/// then holds the agent back) and writes only what the channel window allows.
public final class SSHChannelTransport: FrameTransport, Sendable {
    struct State: Sendable {
        var endpoint: (any FrameTransportEndpoint)?
        var isClosed = false
        var hasEnded = false
        var started: Result<Void, SSHError>?
        var startWaiter: CheckedContinuation<Result<Void, SSHError>, Never>?
        var exitStatus: SSHExitStatus?
    }

    /// The command running the agent.
    public let command: String
    let thread: SSHSessionThread
    let logger: Logger
    let state = Mutex(State())
    /// Keeps the connection (and so its session thread) open while the transport is in use; `nil`
    /// while a spare waits inside the connection (which would otherwise never be released).
    private let keepAlive: Mutex<SSHConnection?>

    init(command: String, connection: SSHConnection, keepsConnectionAlive: Bool = true) {
        self.command = command
        keepAlive = Mutex(keepsConnectionAlive ? connection : nil)
        thread = connection.thread
        logger = connection.logger
    }

    /// Hands a spare out: from now on it keeps `connection` open.
    func adopt(by connection: SSHConnection) {
        keepAlive.withLock { $0 = connection }
    }

    /// How the agent command ended, once its channel has closed.
    public var exitStatus: SSHExitStatus? { state.withLock { $0.exitStatus } }

    public func start(_ endpoint: any FrameTransportEndpoint) {
        state.withLock { state in
            if state.endpoint == nil { state.endpoint = endpoint }
        }
        thread.wake()
    }

    public func outboundBytesAvailable() {
        thread.wake()
    }

    public func resumeReceiving() {
        thread.wake()
    }

    public func close() {
        state.withLock { $0.isClosed = true }
        thread.wake()
    }

    /// Waits until the server accepted the command.
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
}

// The session thread's side: calls reach the mux endpoint outside the lock.
extension SSHChannelTransport: SSHChannelEndpoint {
    func channelStarted() {
        resolveStart(.success(()))
    }

    func receive(_ bytes: UnsafeRawBufferPointer, isStandardError: Bool) {
        if isStandardError {
            logger.info("agent stderr", metadata: ["text": "\(String(decoding: bytes, as: UTF8.self))"])
            return
        }
        state.withLock { $0.endpoint }?.receive(bytes)
    }

    var isReceivingPaused: Bool {
        // Until the mux has started, bytes stay in libssh (and the window) rather than being dropped.
        guard let endpoint = state.withLock({ $0.endpoint }) else { return true }
        return endpoint.isReceivingPaused
    }

    func receiveEnded() {
        let endpoint = state.withLock { state -> (any FrameTransportEndpoint)? in
            guard !state.hasEnded else { return nil }
            state.hasEnded = true
            return state.endpoint
        }
        endpoint?.receiveEnded(nil)
    }

    func takeOutboundBytes() -> [UInt8]? {
        state.withLock { $0.endpoint }?.takeOutboundBytes()
    }

    var isInputClosed: Bool { state.withLock { $0.isClosed } }

    var isAbandoned: Bool { false }

    func finished(_ outcome: Result<SSHExitStatus, SSHError>) {
        switch outcome {
        case .success(let status):
            state.withLock { $0.exitStatus = status }
            receiveEnded()
            resolveStart(
                .failure(SSHError(.channelOpenFailed, "the agent command ended before it started: \(command)")))
        case .failure(let error):
            resolveStart(.failure(error))
            let (endpoint, reportEnd, reportSend) = state.withLock { state in
                defer { state.hasEnded = true }
                return (state.endpoint, !state.hasEnded, !state.isClosed)
            }
            if reportSend { endpoint?.sendFailed(error) }
            if reportEnd { endpoint?.receiveEnded(error) }
        }
    }

    private func resolveStart(_ result: Result<Void, SSHError>) {
        let waiter = state.withLock { state -> CheckedContinuation<Result<Void, SSHError>, Never>? in
            guard state.started == nil else { return nil }
            state.started = result
            defer { state.startWaiter = nil }
            return state.startWaiter
        }
        waiter?.resume(returning: result)
    }
}
