import RemoteExec

extension BuiltAgent {
    /// A host on this machine (the local transport) running the built agent.
    static func localHost() async throws -> RemoteHost {
        try await RemoteHost.connect(to: .local, options: RemoteHostOptions(agentPath: path))
    }
}
