import AgentProto

/// Runs each agent as a local child process: for tests, demos, and `mproxy exec local -- …`.
public struct LocalAgentLauncher: AgentLauncher {
    /// The agent executable.
    public let agentPath: String

    /// Creates a launcher for the agent at `agentPath`.
    public init(agentPath: String) {
        self.agentPath = agentPath
    }

    /// "local".
    public var backendType: String { "local" }
    /// "local".
    public var address: String { "local" }

    public func launchAgent(standardError: @escaping @Sendable ([UInt8]) -> Void) async throws(ExecutionError)
        -> LaunchedAgent
    {
        let child = try SpawnedAgentProcess.spawn(
            executable: agentPath, arguments: [agentPath], standardError: standardError)
        return LaunchedAgent(transport: try child.transport(), agentPath: agentPath)
    }

    /// Nothing to close: each agent ends with its command.
    public func close() {}
}

extension SpawnedAgentProcess {
    /// A transport over the child's socket, which it closes when done.
    func transport() throws(ExecutionError) -> FileDescriptorTransport {
        do {
            return try FileDescriptorTransport(reading: socket, writing: socket, closesDescriptors: true)
        } catch {
            signalGroup(9)
            throw ExecutionError(.launchFailed, "could not set up the agent's connection: \(error)", cause: error)
        }
    }
}
