public import AgentProto

/// Starts agent processes for one host: each call gives a fresh agent speaking agentproto over a
/// ``FrameTransport`` (an SSH channel, an `ssh` child's stdio, a local child's stdio).
public protocol AgentLauncher: Sendable {
    /// The recording's backend type: "ssh", "openssh" or "local".
    var backendType: String { get }
    /// Where the agents run, for messages and recordings (`host:22`, `local`).
    var address: String { get }

    /// Starts an agent.
    ///
    /// - Parameter standardError: receives what the agent process (or the `ssh` carrying it) writes
    ///   to its standard error: diagnostics, not the command's stream 2.
    /// - Throws: ``ExecutionError`` naming why no agent could be started.
    func launchAgent(standardError: @escaping @Sendable ([UInt8]) -> Void) async throws(ExecutionError) -> LaunchedAgent

    /// Closes the connection; running agents lose it and hang up their commands.
    func close()
}

/// An agent process that has been started and waits for its first frame.
public struct LaunchedAgent: Sendable {
    /// Carries its frames; the mux that uses it closes it.
    public var transport: any FrameTransport
    /// Where the agent executable is on the host.
    public var agentPath: String

    /// Creates a launched agent.
    public init(transport: any FrameTransport, agentPath: String) {
        self.transport = transport
        self.agentPath = agentPath
    }
}
