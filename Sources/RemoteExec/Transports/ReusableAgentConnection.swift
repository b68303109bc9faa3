import AgentProto
import Synchronization

/// One agent's connection (any ``FrameTransport``) that can carry a command and then, when the agent
/// agreed to `exec-reuse` and the command ended cleanly, the next one (PROTOCOL.md).
///
/// Each command's mux gets its own ``AgentLease``; the connection relays the transport's calls to
/// the lease in use. When a lease that keeps the agent closes, the connection goes back to the
/// host's ``AgentPool`` instead of ending the agent (once its mux's last frames are written).
///
/// A kept agent can die while idle (killed, out of memory) a moment before the client notices. So
/// until a kept agent says anything for a new command, the connection remembers what the command
/// sent; if the agent turns out to be gone, the pool starts a fresh one and the command goes there,
/// as if nothing had happened. An agent that spoke out of turn is never handed out again.
final class ReusableAgentConnection: FrameTransportEndpoint {
    private enum Phase: Sendable {
        /// In the pool (or just created): waiting for a lease.
        case idle
        /// A lease's mux uses the connection.
        case leased
        /// The lease closed and keeps the agent: its queued frames are still being written.
        case returning
        /// The transport is closed, or the agent is gone.
        case closed
    }

    private struct State: Sendable {
        var phase = Phase.idle
        /// The number of the latest lease; calls from older leases are ignored.
        var leaseNumber: UInt64 = 0
        var lease: AgentLease?
        var endpoint: (any FrameTransportEndpoint)?
        /// Set when the lease keeps the agent: whether its mux has written everything.
        var isDrained: (@Sendable () -> Bool)?
        var isTransportStarted = false
        /// The agent spoke out of turn or its transport ended: it is not reused.
        var isSpent = false
        /// What a command on a kept agent sent before the agent said anything (`nil`: not kept, too
        /// much, or the agent has answered): replayed to a fresh agent if this one is gone.
        var unanswered: [UInt8]?
        /// Bytes to write before the mux's own: a command moved here from a dead agent.
        var replay: [UInt8]?
    }

    /// At most this much of a command's first frames is kept for a replay (Config, Exec and the
    /// first stdin); a command that sent more before its agent said a word is not replayed.
    static let replayLimit = 1 << 20

    let transport: any FrameTransport
    /// Where the agent executable is on the host.
    let agentPath: String
    /// Where the agent's own diagnostics go; each command points it at its own destination.
    let standardError: StandardErrorRelay
    let pool: AgentPool
    private let state = Mutex(State())

    init(transport: any FrameTransport, agentPath: String, standardError: StandardErrorRelay, pool: AgentPool) {
        self.transport = transport
        self.agentPath = agentPath
        self.standardError = standardError
        self.pool = pool
    }

    /// A transport for the next command's mux, or `nil` when the agent is in use or spent.
    func lease() -> AgentLease? {
        let (lease, previousDrainCheck) = state.withLock { state -> (AgentLease?, (@Sendable () -> Bool)?) in
            guard state.phase == .idle, !state.isSpent else { return (nil, nil) }
            state.phase = .leased
            state.leaseNumber += 1
            // A kept agent (not the first lease) may be gone already: remember for a replay.
            state.unanswered = state.leaseNumber > 1 ? [] : nil
            let lease = AgentLease(connection: self, number: state.leaseNumber)
            state.lease = lease
            defer { state.isDrained = nil }
            return (lease, state.isDrained)
        }
        // Dropped here, after the lock: the last command's check may hold the last reference to its mux.
        _ = previousDrainCheck
        return lease
    }

    /// Takes over `lease`, whose agent died before answering, and replays what its mux had sent.
    func adopt(_ lease: AgentLease, endpoint: any FrameTransportEndpoint, replaying bytes: [UInt8]) {
        let number = state.withLock { state in
            state.phase = .leased
            state.leaseNumber += 1
            state.lease = lease
            state.endpoint = endpoint
            state.replay = bytes
            state.isTransportStarted = true
            return state.leaseNumber
        }
        guard lease.rebind(to: self, number: number) else {
            // The command was closed while its new agent started.
            state.withLock { $0.lease = nil }
            close()
            return
        }
        transport.start(self)
        transport.outboundBytesAvailable()
    }

    /// Ends the agent: its input closes and it exits. Idempotent.
    func close() {
        state.withLock { state in
            state.phase = .closed
            state.endpoint = nil
        }
        transport.close()
    }

    // MARK: Calls from the lease

    func begin(_ number: UInt64, endpoint: any FrameTransportEndpoint) {
        let isFirst: Bool? = state.withLock { state in
            guard state.leaseNumber == number, state.phase == .leased, state.endpoint == nil else { return nil }
            state.endpoint = endpoint
            defer { state.isTransportStarted = true }
            return !state.isTransportStarted
        }
        switch isFirst {
        case true?: transport.start(self)
        case false?: transport.resumeReceiving()
        case nil: break
        }
    }

    func keepAgentOnClose(_ number: UInt64, isDrained: @escaping @Sendable () -> Bool) {
        state.withLock { state in
            if state.leaseNumber == number, state.phase == .leased { state.isDrained = isDrained }
        }
    }

    func isCurrent(_ number: UInt64) -> Bool {
        state.withLock { $0.leaseNumber == number && ($0.phase == .leased || $0.phase == .returning) }
    }

    func end(_ number: UInt64) {
        enum Next { case none, keep, drain, close }
        let next: Next = state.withLock { state in
            guard state.leaseNumber == number, state.phase == .leased else { return .none }
            state.lease = nil
            guard let isDrained = state.isDrained, !state.isSpent, state.endpoint != nil else { return .close }
            // Usually the mux wrote its last frame long before the Exit came back: the agent is
            // free at once, for a command started right after this one.
            if isDrained() {
                state.phase = .idle
                state.endpoint = nil
                return .keep
            }
            state.phase = .returning
            return .drain
        }
        switch next {
        case .none: break
        case .keep: pool.keep(self)
        // The transport takes what the mux still has queued; the empty take that follows returns the
        // connection to the pool (takeOutboundBytes).
        case .drain: transport.outboundBytesAvailable()
        case .close: close()
        }
    }

    // MARK: FrameTransportEndpoint (the transport's calls)

    func receive(_ bytes: UnsafeRawBufferPointer) {
        let endpoint: (any FrameTransportEndpoint)? = state.withLock { state in
            state.unanswered = nil
            // After its Exit the agent says nothing until the next command; anything else means it
            // is not the agent the next command should get.
            if state.phase != .leased { state.isSpent = true }
            return state.phase == .closed ? nil : state.endpoint
        }
        if let endpoint {
            endpoint.receive(bytes)
        } else {
            discard()
        }
    }

    var isReceivingPaused: Bool {
        state.withLock { $0.endpoint }?.isReceivingPaused ?? false
    }

    var isAwaitingReply: Bool {
        state.withLock { $0.endpoint }?.isAwaitingReply ?? false
    }

    func receiveEnded(_ error: (any Error)?) {
        guard !handOverIfGone() else { return }
        let endpoint = state.withLock { state in
            state.isSpent = true
            return state.endpoint
        }
        if let endpoint {
            endpoint.receiveEnded(error)
        } else {
            discard()
        }
    }

    func takeOutboundBytes() -> [UInt8]? {
        let (endpoint, number, replay) = state.withLock { state in
            defer { state.replay = nil }
            return (state.endpoint, state.leaseNumber, state.replay)
        }
        if let replay { return replay }
        guard let endpoint else { return nil }
        if let bytes = endpoint.takeOutboundBytes() {
            state.withLock { state in
                guard var unanswered = state.unanswered else { return }
                state.unanswered = nil
                unanswered += bytes
                if unanswered.count <= Self.replayLimit { state.unanswered = unanswered }
            }
            return bytes
        }
        // Nothing queued, and the previous buffer was written: a returning lease is done with it.
        let isReturned = state.withLock { state in
            guard state.phase == .returning, state.leaseNumber == number else { return false }
            state.phase = .idle
            state.endpoint = nil
            return true
        }
        if isReturned { pool.keep(self) }
        return nil
    }

    func sendFailed(_ error: any Error) {
        guard !handOverIfGone() else { return }
        let endpoint = state.withLock { state in
            state.isSpent = true
            return state.endpoint
        }
        endpoint?.sendFailed(error)
    }

    /// A kept agent that ended before it answered the command it was given is gone, not failed:
    /// the pool moves the command to a fresh agent. True when it did.
    private func handOverIfGone() -> Bool {
        let handOver: (AgentLease, any FrameTransportEndpoint, [UInt8])? = state.withLock { state in
            guard state.phase == .leased, let unanswered = state.unanswered, let lease = state.lease,
                let endpoint = state.endpoint
            else { return nil }
            state.phase = .closed
            state.isSpent = true
            state.unanswered = nil
            state.lease = nil
            state.endpoint = nil
            return (lease, endpoint, unanswered)
        }
        guard let (lease, endpoint, unanswered) = handOver else { return false }
        transport.close()
        pool.replace(self, for: lease, endpoint: endpoint, replaying: unanswered)
        return true
    }

    /// An idle agent that spoke or went away: out of the pool, and closed.
    private func discard() {
        pool.remove(self)
        close()
    }
}

/// The ``FrameTransport`` one command's mux uses on a ``ReusableAgentConnection``. Closing it ends
/// the agent, unless ``keepAgentOnClose(isDrained:)`` was called: then the agent goes back to its
/// host's pool.
final class AgentLease: FrameTransport {
    private struct Binding: Sendable {
        var connection: ReusableAgentConnection
        var number: UInt64
        var isClosed = false
    }

    private let binding: Mutex<Binding>

    init(connection: ReusableAgentConnection, number: UInt64) {
        binding = Mutex(Binding(connection: connection, number: number))
    }

    private var bound: Binding { binding.withLock { $0 } }

    /// Moves the lease to another connection (its agent died before answering); false when the
    /// lease was closed meanwhile.
    func rebind(to connection: ReusableAgentConnection, number: UInt64) -> Bool {
        binding.withLock { binding in
            guard !binding.isClosed else { return false }
            binding = Binding(connection: connection, number: number)
            return true
        }
    }

    /// Capabilities the host's agents announced before (from an earlier command), if any.
    var knownAgentCapabilities: [String]? { bound.connection.pool.knownCapabilities }

    /// Remembers what the host's agents announce, for the commands that follow.
    func agentAnnounced(_ capabilities: [String]) { bound.connection.pool.learn(capabilities) }

    /// When the mux closes this lease, keep the agent for another command instead of ending it.
    /// Call only after a clean Exit from an agent that announced `exec-reuse`.
    ///
    /// - Parameter isDrained: whether the mux has nothing left to write (then the agent is free at
    ///   once; otherwise once the transport has written the rest).
    func keepAgentOnClose(isDrained: @escaping @Sendable () -> Bool) {
        let bound = bound
        bound.connection.keepAgentOnClose(bound.number, isDrained: isDrained)
    }

    func start(_ endpoint: any FrameTransportEndpoint) {
        let bound = bound
        bound.connection.begin(bound.number, endpoint: endpoint)
    }

    func outboundBytesAvailable() {
        let bound = bound
        if bound.connection.isCurrent(bound.number) { bound.connection.transport.outboundBytesAvailable() }
    }

    func resumeReceiving() {
        let bound = bound
        if bound.connection.isCurrent(bound.number) { bound.connection.transport.resumeReceiving() }
    }

    var receivingExecutor: (any TaskExecutor)? { bound.connection.transport.receivingExecutor }

    func close() {
        let bound = binding.withLock { binding in
            binding.isClosed = true
            return binding
        }
        bound.connection.end(bound.number)
    }
}
