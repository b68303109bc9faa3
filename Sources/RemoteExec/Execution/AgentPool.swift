import AgentProto
import Synchronization

/// The agents a ``RemoteHost`` keeps between commands (the `exec-reuse` extension, PROTOCOL.md),
/// and what the host's agents are known to support.
final class AgentPool: Sendable {
    /// Idle agents beyond this many are ended rather than kept: each holds a channel and a process.
    static let maximumIdleCount = 4

    private struct State: Sendable {
        var idle: [ReusableAgentConnection] = []
        var knownCapabilities: [String]?
        var isLearning = false
        var commandCount = 0
        var isClosed = false
    }

    private let state = Mutex(State())
    private let launcher: any AgentLauncher

    init(launcher: any AgentLauncher) {
        self.launcher = launcher
    }

    /// An agent for a command: a kept one when there is one, else a fresh one.
    ///
    /// - Parameter standardError: receives the agent's own diagnostics while the command runs.
    func agent(standardError: @escaping @Sendable ([UInt8]) -> Void) async throws(ExecutionError) -> (
        ReusableAgentConnection, AgentLease
    ) {
        if let (connection, lease) = take() {
            connection.standardError.redirect(to: standardError)
            return (connection, lease)
        }
        let connection = try await freshConnection(standardError: standardError)
        guard let lease = connection.lease() else {
            connection.close()
            throw ExecutionError(.launchFailed, "the new agent on \(launcher.address) could not be used")
        }
        return (connection, lease)
    }

    private func freshConnection(standardError: @escaping @Sendable ([UInt8]) -> Void) async throws(ExecutionError)
        -> ReusableAgentConnection
    {
        let relay = StandardErrorRelay(standardError)
        let launched = try await launcher.launchAgent(standardError: { relay.forward($0) })
        return ReusableAgentConnection(
            transport: launched.transport, agentPath: launched.agentPath, standardError: relay, pool: self)
    }

    /// Moves a command whose kept agent died before answering to a fresh agent, which gets
    /// `bytes` (everything the command's mux had sent) first. If none can be started, the command
    /// learns why as the end of its connection.
    func replace(
        _ dead: ReusableAgentConnection, for lease: AgentLease, endpoint: any FrameTransportEndpoint,
        replaying bytes: [UInt8]
    ) {
        remove(dead)
        Task {
            do {
                let fresh = try await freshConnection(standardError: dead.standardError.current)
                fresh.adopt(lease, endpoint: endpoint, replaying: bytes)
            } catch {
                endpoint.receiveEnded(error)
            }
        }
    }

    /// The capabilities an agent of this host announced, once one has.
    var knownCapabilities: [String]? { state.withLock { $0.knownCapabilities } }

    /// Remembers what the host's agents announce (they are one binary, installed by content hash).
    func learn(_ capabilities: [String]) {
        state.withLock { $0.knownCapabilities = capabilities }
    }

    /// Counts a command started on the host; true when the host's agent capabilities should be
    /// learned now: unknown, not being learned, and this is not the host's first command (a
    /// one-command caller, like `mproxy exec`, never pays for the lesson).
    func commandStarted() -> Bool {
        state.withLock { state in
            state.commandCount += 1
            guard state.knownCapabilities == nil, !state.isLearning, !state.isClosed, state.commandCount >= 2 else {
                return false
            }
            state.isLearning = true
            return true
        }
    }

    /// The lesson ended: what the agent announced, or nothing (a Go agent, or no answer).
    func finishLearning(_ capabilities: [String]?) {
        state.withLock { state in
            state.isLearning = false
            if state.knownCapabilities == nil { state.knownCapabilities = capabilities ?? [] }
        }
    }

    /// An idle agent's connection and a lease on it, the most recently used first; `nil` when none is idle.
    private func take() -> (ReusableAgentConnection, AgentLease)? {
        while let connection = state.withLock({ $0.idle.popLast() }) {
            if let lease = connection.lease() { return (connection, lease) }
            connection.close()
        }
        return nil
    }

    /// Keeps an agent whose command ended, or ends it when the pool is full or closed.
    func keep(_ connection: ReusableAgentConnection) {
        let isKept = state.withLock { state in
            guard !state.isClosed, state.idle.count < Self.maximumIdleCount else { return false }
            state.idle.append(connection)
            return true
        }
        if !isKept { connection.close() }
    }

    /// Forgets an agent that is no longer usable.
    func remove(_ connection: ReusableAgentConnection) {
        state.withLock { state in state.idle.removeAll { $0 === connection } }
    }

    /// Ends every idle agent and keeps none from now on.
    func close() {
        let idle = state.withLock { state in
            state.isClosed = true
            defer { state.idle = [] }
            return state.idle
        }
        for connection in idle { connection.close() }
    }
}
