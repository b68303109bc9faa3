public import AgentProto

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A host commands run on: one connection (libssh, `ssh`, or none for this machine) and an
/// installed, verified agent. Each command gets an agent process of its own on that connection:
/// a fresh one, or one an earlier command ended on cleanly and the host kept (`exec-reuse`), so a
/// run of short commands pays the agent's start-up once.
///
/// ```swift
/// let host = try await RemoteHost.connect(to: ExecutionDestination(parsing: "build@ci-1"))
/// let status = try await host.run(RemoteCommand(executable: "make", arguments: ["-j8"])) { process in
///     async let errors: Void = forward(process.standardError, to: 2)
///     try await forward(process.standardOutput, to: 1)
///     try await errors
/// }
/// host.close()
/// ```
public final class RemoteHost: Sendable {
    /// Where the commands run.
    public let destination: ExecutionDestination
    /// Starts the agents.
    public let launcher: any AgentLauncher
    /// The agent binary uploaded (`nil` for the local transport, which runs it in place).
    public let agent: AgentBinary?
    /// Agents kept between commands.
    let agents: AgentPool

    init(destination: ExecutionDestination, launcher: any AgentLauncher, agent: AgentBinary?) {
        self.destination = destination
        self.launcher = launcher
        self.agent = agent
        agents = AgentPool(launcher: launcher)
    }

    /// Connects and authenticates (no agent is started yet; the first command verifies or installs it).
    ///
    /// - Throws: ``ExecutionError`` `connectionFailed`, `agentNotFound`, `invalidDestination`.
    public static func connect(
        to destination: ExecutionDestination, options: RemoteHostOptions = RemoteHostOptions()
    ) async throws(ExecutionError) -> RemoteHost {
        switch destination {
        case .local:
            let path = try AgentBinaryLocator.locatePath(explicitPath: options.agentPath)
            return RemoteHost(destination: destination, launcher: LocalAgentLauncher(agentPath: path), agent: nil)
        case .ssh(let sshDestination):
            let agent = try AgentBinaryLocator.locate(explicitPath: options.agentPath)
            if agent.isDynamicallyLinked {
                options.warning?(
                    "\(agent.path) is dynamically linked: it runs only on hosts with the same libraries; build a static agent with scripts/build-agent"
                )
            }
            let launcher: any AgentLauncher
            switch options.transport {
            case .libssh:
                launcher = try await LibSSHAgentLauncher.connect(to: sshDestination, agent: agent, options: options)
            case .openssh:
                launcher = try await OpenSSHAgentLauncher.connect(to: sshDestination, agent: agent, options: options)
            }
            return RemoteHost(destination: destination, launcher: launcher, agent: agent)
        }
    }

    /// Starts `command` on a fresh agent and returns once its Exec frame is queued.
    ///
    /// - Throws: ``ExecutionError`` when no agent could be started.
    public func start(_ command: RemoteCommand, options: RemoteProcessOptions = RemoteProcessOptions())
        async throws(ExecutionError) -> RemoteProcess
    {
        try start(command, on: try await launchAgent(standardError: options.agentStandardError), options: options)
    }

    /// Gives an agent ready for a command without giving it the command yet, so a caller can learn
    /// where it runs (``LaunchedAgent/agentPath``, for a recording's header) before
    /// ``start(_:on:options:)``: an idle agent an earlier command left when there is one, else a
    /// fresh one.
    ///
    /// - Parameter standardError: receives the agent's own diagnostics; ours by default.
    /// - Throws: ``ExecutionError`` when no agent could be started.
    public func launchAgent(standardError: (@Sendable ([UInt8]) -> Void)? = nil) async throws(ExecutionError)
        -> LaunchedAgent
    {
        let (connection, lease) = try await agents.agent(standardError: standardError ?? Self.writeToStandardError)
        return LaunchedAgent(transport: lease, agentPath: connection.agentPath)
    }

    /// Starts `command` on `agent` (from ``launchAgent(standardError:)``, used once) and returns once
    /// its Exec frame is queued. `options.agentStandardError` is not consulted: the agent has its
    /// destination already.
    ///
    /// - Throws: ``ExecutionError`` when the agent is gone already.
    public func start(
        _ command: RemoteCommand, on agent: LaunchedAgent, options: RemoteProcessOptions = RemoteProcessOptions()
    )
        throws(ExecutionError) -> RemoteProcess
    {
        if agents.commandStarted(), command.environment == nil { learnAgentCapabilities() }
        return try RemoteProcess(command: command, launched: agent, options: options)
    }

    /// Asks a fresh agent what it supports, in the background. Commands that inherit the
    /// environment may send a Config only to an agent known to support `unfiltered-environment`
    /// (any other Config empties their environment), so until this is known they cannot ask an
    /// agent to stay for the next command.
    private func learnAgentCapabilities() {
        Task { [launcher, agents] in
            // The empty directory name lists nothing: the answer only marks the end of the hello.
            let answer = try? await Self.pathQuery(
                PathQuery(directories: [""]), on: launcher, askingForHello: true, standardError: { _ in })
            agents.finishLearning(answer?.capabilities)
        }
    }

    /// Runs `command`, gives it to `body` (which feeds its input and reads its output), and waits
    /// for it to end. If the task is cancelled, the command's group gets SIGTERM and the agent hangs
    /// up the rest.
    ///
    /// - Returns: how the command ended.
    public func run(
        _ command: RemoteCommand, options: RemoteProcessOptions = RemoteProcessOptions(),
        _ body: @Sendable (RemoteProcess) async throws -> Void
    ) async throws -> TerminationStatus {
        let process = try await start(command, options: options)
        do {
            try await withTaskCancellationHandler {
                try await body(process)
            } onCancel: {
                try? process.send(signal: 15)
                process.close()
            }
            return try await process.terminationStatus()
        } catch {
            process.close()
            throw error
        }
    }

    /// The executables on the agent's `PATH` (or in `directories`): PATH order, then name order,
    /// the first of each name only.
    ///
    /// - Throws: ``ExecutionError`` when the agent cannot be started or does not answer.
    public func executables(in directories: [String] = []) async throws(ExecutionError) -> [PathInfoEntry] {
        try await Self.pathQuery(
            PathQuery(directories: directories), on: launcher, askingForHello: false,
            standardError: Self.writeToStandardError
        ).info.entries ?? []
    }

    /// Runs `query` on a fresh agent (which ends after answering), with a hello first when asked.
    ///
    /// - Returns: the answer, and the capabilities the hello announced (`nil` without one).
    private static func pathQuery(
        _ query: PathQuery, on launcher: any AgentLauncher, askingForHello: Bool,
        standardError: @escaping @Sendable ([UInt8]) -> Void
    ) async throws(ExecutionError) -> (info: PathInfo, capabilities: [String]?) {
        let launched = try await launcher.launchAgent(standardError: standardError)
        let hello = HelloObserver(next: nil)
        let mux = Mux(transport: launched.transport, configuration: MuxConfiguration(observer: hello))
        mux.start()
        defer { mux.close() }
        do {
            if askingForHello { try mux.sendWithoutWaiting(.config(AgentConfiguration(extensions: ["hello"]))) }
            return (try await mux.pathQuery(query), hello.capabilities)
        } catch {
            throw ExecutionError(.protocolFailure, "the agent did not answer the PATH query: \(error)", cause: error)
        }
    }

    /// Closes the connection; commands still running lose it and their agents hang them up.
    public func close() {
        agents.close()
        launcher.close()
    }

    @Sendable static func writeToStandardError(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
