import Synchronization

/// Starts agents on channels of one persistent libssh connection.
///
/// The first launch runs a script that finds the content-addressed agent, checks its SHA-256 and
/// `exec`s it, printing a marker line first; when it is missing or altered, the agent is installed
/// and the launch repeated. Later launches on the connection `exec` the verified path directly, and
/// one spare agent is kept started, so a command costs a round trip plus a process spawn.
final class LibSSHAgentLauncher: AgentLauncher {
    private enum Verification: Sendable {
        case unknown
        case inProgress([CheckedContinuation<Void, Never>])
        case verified(String)
    }

    private struct State: Sendable {
        var verification = Verification.unknown
        var spare: Task<SSHChannelStreamTransport?, Never>?
        var isClosed = false
    }

    let connection: SSHConnection
    let agent: AgentBinary
    let progress: (@Sendable (String, Duration, String) -> Void)?
    let keepsSpare: Bool
    private let state = Mutex(State())

    var backendType: String { "ssh" }
    var address: String { "\(connection.configuration.hostName):\(connection.configuration.port)" }

    private init(connection: SSHConnection, agent: AgentBinary, options: RemoteHostOptions) {
        self.connection = connection
        self.agent = agent
        progress = options.progress
        keepsSpare = options.keepsSpareAgent
    }

    static func connect(to destination: Destination, agent: AgentBinary, options: RemoteHostOptions)
        async throws(ExecutionError) -> LibSSHAgentLauncher
    {
        let clock = ContinuousClock()
        let start = clock.now
        let connection: SSHConnection
        do {
            connection = try await SSHConnection.connect(to: destination, overrides: options.sshOverrides)
        } catch {
            throw ExecutionError(.connectionFailed, error.description, cause: error)
        }
        let configuration = connection.configuration
        options.progress?(
            "connect+auth", clock.now - start,
            "\(configuration.user)@\(configuration.hostName):\(configuration.port) (libssh, settings from \(configuration.source))"
        )
        return LibSSHAgentLauncher(connection: connection, agent: agent, options: options)
    }

    func launchAgent(standardError: @escaping @Sendable ([UInt8]) -> Void) async throws(ExecutionError) -> LaunchedAgent
    {
        while true {
            enum Step { case direct(String, Task<SSHChannelStreamTransport?, Never>?), verify, wait }
            let step: Step = state.withLock { state in
                switch state.verification {
                case .verified(let path):
                    defer { state.spare = nil }
                    return .direct(path, state.spare)
                case .inProgress: return .wait
                case .unknown:
                    state.verification = .inProgress([])
                    return .verify
                }
            }
            switch step {
            case .direct(let path, let spare):
                let transport: SSHChannelStreamTransport
                if let spare, let ready = await spare.value {
                    ready.redirectStandardError(to: standardError)
                    transport = ready
                } else {
                    transport = try await startDirect(path: path, standardError: standardError)
                }
                prepareSpare(path: path)
                return LaunchedAgent(transport: transport, agentPath: path)
            case .wait:
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state in
                        guard case .inProgress(var waiters) = state.verification else { return true }
                        waiters.append(continuation)
                        state.verification = .inProgress(waiters)
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            case .verify:
                do {
                    let (path, transport) = try await verifyOrInstall(standardError: standardError)
                    finishVerification(.verified(path))
                    prepareSpare(path: path)
                    return LaunchedAgent(transport: transport, agentPath: path)
                } catch {
                    finishVerification(.unknown)
                    throw error
                }
            }
        }
    }

    func close() {
        let spare = state.withLock { state in
            state.isClosed = true
            defer { state.spare = nil }
            return state.spare
        }
        spare?.cancel()
        connection.close()
    }

    private func finishVerification(_ outcome: Verification) {
        let waiters = state.withLock { state in
            guard case .inProgress(let waiters) = state.verification else {
                return [CheckedContinuation<Void, Never>]()
            }
            state.verification = outcome
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Starts the next agent in the background, so the next command finds it waiting.
    private func prepareSpare(path: String) {
        state.withLock { state in
            guard keepsSpare, !state.isClosed, state.spare == nil else { return }
            state.spare = Task {
                try? await self.startDirect(path: path, standardError: RemoteHost.writeToStandardError)
            }
        }
    }

    private func startDirect(path: String, standardError: @escaping @Sendable ([UInt8]) -> Void)
        async throws(ExecutionError)
        -> SSHChannelStreamTransport
    {
        do {
            let channel = try await connection.execute(ShellQuoting.quote(path))
            return SSHChannelStreamTransport(channel: channel, leftover: [], standardError: standardError)
        } catch {
            throw ExecutionError(.connectionLost, "could not start the agent on \(address): \(error)", cause: error)
        }
    }

    private func verifyOrInstall(standardError: @escaping @Sendable ([UInt8]) -> Void) async throws(ExecutionError)
        -> (String, SSHChannelStreamTransport)
    {
        let clock = ContinuousClock()
        var start = clock.now
        if let found = try await launchVerified(standardError: standardError) {
            progress?("verify", clock.now - start, "agent \(agent.sha256.prefix(12)) found at \(found.0)")
            return found
        }
        progress?("verify", clock.now - start, "agent \(agent.sha256.prefix(12)) missing or altered")
        start = clock.now
        let installer = AgentInstaller(
            agent: agent, shell: LibSSHRemoteShell(connection: connection), hostName: address)
        let installed = try await installer.install()
        progress?("install", clock.now - start, "uploaded \(agent.bytes.count) bytes to \(installed)")
        guard let found = try await launchVerified(standardError: standardError) else {
            throw ExecutionError(
                .installFailed,
                "the agent was installed at \(installed) on \(address) but fails verification there; check the remote file system"
            )
        }
        return found
    }

    /// Runs the launch script: the agent's path and its transport, or `nil` when it is missing.
    private func launchVerified(standardError: @escaping @Sendable ([UInt8]) -> Void) async throws(ExecutionError)
        -> (String, SSHChannelStreamTransport)?
    {
        let channel: SSHChannel
        do {
            channel = try await connection.execute(
                "sh -c " + ShellQuoting.quote(AgentInstallScript.launch(hash: agent.sha256)))
        } catch {
            throw ExecutionError(.connectionLost, "could not open a channel to \(address): \(error)", cause: error)
        }
        var output: [UInt8] = []
        var iterator = channel.output.makeAsyncIterator()
        while !output.contains(0x0a) {
            let next: SSHChannelChunk?
            do {
                next = try await iterator.next()
            } catch {
                throw ExecutionError(
                    .connectionLost, "the connection to \(address) broke while starting the agent: \(error)",
                    cause: error)
            }
            guard let chunk = next else {
                let status = (try? await channel.exitStatus())?.description ?? "unknown"
                throw ExecutionError(
                    .launchFailed,
                    "the agent launch script on \(address) ended without a word (\(status)); the host needs a POSIX sh")
            }
            switch chunk.stream {
            case .standardOutput: output += chunk.bytes
            case .standardError: standardError(chunk.bytes)
            }
        }
        let newline = output.firstIndex(of: 0x0a) ?? output.endIndex
        let line = String(decoding: output[..<newline], as: UTF8.self)
        let rest = Array(output[(newline + 1)...])
        if line.hasPrefix(AgentInstallScript.readyMarker) {
            let path = String(line.dropFirst(AgentInstallScript.readyMarker.count))
            return (path, SSHChannelStreamTransport(channel: channel, leftover: rest, standardError: standardError))
        }
        channel.close()
        guard line == AgentInstallScript.missingMarker else {
            throw ExecutionError(.launchFailed, "unexpected output from the agent launch script on \(address): \(line)")
        }
        return nil
    }
}

/// Runs installer scripts on a libssh connection.
struct LibSSHRemoteShell: RemoteShell {
    let connection: SSHConnection

    func runScript(_ script: String, standardInput: [UInt8]) async throws(ExecutionError) -> (
        status: Int32, output: String, errors: String
    ) {
        do {
            let result = try await connection.run("sh -c " + ShellQuoting.quote(script), standardInput: standardInput)
            return (result.status.shellStatus, result.standardOutputText, result.standardErrorText)
        } catch {
            throw ExecutionError(
                .connectionLost, "the connection broke while installing the agent: \(error)", cause: error)
        }
    }
}
