import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Starts each agent with the system `ssh` binary, the agent on its stdio: whatever `ssh` can do
/// (ControlMaster multiplexing, FIDO keys, certificates, agents) works unchanged. The agent is
/// located and verified once per launcher with a separate `ssh` command, and installed if needed.
final class OpenSSHAgentLauncher: AgentLauncher {
    let sshPath: String
    let baseArguments: [String]
    let destination: Destination
    let agent: AgentBinary
    let progress: (@Sendable (String, Duration, String) -> Void)?
    private let verifiedPath = Mutex<String?>(nil)

    var backendType: String { "openssh" }
    var address: String { destination.description }

    private init(
        sshPath: String, baseArguments: [String], destination: Destination, agent: AgentBinary,
        progress: (@Sendable (String, Duration, String) -> Void)?
    ) {
        self.sshPath = sshPath
        self.baseArguments = baseArguments
        self.destination = destination
        self.agent = agent
        self.progress = progress
    }

    static func connect(to destination: Destination, agent: AgentBinary, options: RemoteHostOptions)
        async throws(ExecutionError) -> OpenSSHAgentLauncher
    {
        guard let sshPath = LocalProcess.find("ssh") else {
            throw ExecutionError(
                .connectionFailed,
                "the OpenSSH client (ssh) is not installed; install openssh-client or use --transport libssh")
        }
        var arguments = ["ssh", "-T", "-e", "none", "-o", "LogLevel=ERROR"]
        let overrides = options.sshOverrides
        if let file = overrides.configurationFile { arguments += ["-F", file] }
        if let user = overrides.user ?? destination.user { arguments += ["-l", user] }
        if let port = overrides.port ?? destination.port { arguments += ["-p", String(port)] }
        for identity in overrides.identityFiles { arguments += ["-i", identity, "-o", "IdentitiesOnly=yes"] }
        if overrides.acceptsNewHostKey { arguments += ["-o", "StrictHostKeyChecking=accept-new"] }
        if let timeout = overrides.connectTimeout { arguments += ["-o", "ConnectTimeout=\(timeout)"] }
        if !overrides.allowsTerminalPrompts { arguments += ["-o", "BatchMode=yes"] }
        arguments += options.openSSHArguments
        let launcher = OpenSSHAgentLauncher(
            sshPath: sshPath, baseArguments: arguments, destination: destination, agent: agent,
            progress: options.progress)
        try await launcher.ensureAgent()
        return launcher
    }

    /// The `ssh` argv that runs `remoteCommand` (one shell command line) on the host.
    func arguments(running remoteCommand: String) -> [String] {
        baseArguments + ["--", destination.host, remoteCommand]
    }

    func launchAgent(standardError: @escaping @Sendable ([UInt8]) -> Void) async throws(ExecutionError) -> LaunchedAgent
    {
        let path = try await ensureAgent()
        let child = try SpawnedAgentProcess.spawn(
            executable: sshPath, arguments: arguments(running: ShellQuoting.quote(path)), standardError: standardError)
        return LaunchedAgent(transport: try child.transport(), agentPath: path)
    }

    /// Nothing to close: each `ssh` ends with its agent (a ControlMaster stays, as `ssh` leaves it).
    func close() {}

    /// Finds (or installs) the verified agent once.
    @discardableResult
    private func ensureAgent() async throws(ExecutionError) -> String {
        if let known = verifiedPath.withLock({ $0 }) { return known }
        let clock = ContinuousClock()
        var start = clock.now
        let shell = OpenSSHRemoteShell(launcher: self)
        let located = try await shell.runScript(AgentInstallScript.locate(hash: agent.sha256), standardInput: [])
        let line = located.output.split(separator: "\n").first.map(String.init) ?? ""
        let path: String
        if line.hasPrefix(AgentInstallScript.readyMarker) {
            path = String(line.dropFirst(AgentInstallScript.readyMarker.count))
            progress?("connect+verify", clock.now - start, "agent \(agent.sha256.prefix(12)) found at \(path) (ssh)")
        } else if line == AgentInstallScript.missingMarker {
            progress?("connect+verify", clock.now - start, "agent \(agent.sha256.prefix(12)) missing or altered (ssh)")
            start = clock.now
            path = try await AgentInstaller(agent: agent, shell: shell, hostName: address).install()
            progress?("install", clock.now - start, "uploaded \(agent.bytes.count) bytes to \(path)")
        } else {
            let reason = located.errors.split(separator: "\n").last.map(String.init) ?? "exit \(located.status)"
            throw ExecutionError(.connectionFailed, "ssh \(destination): \(reason)")
        }
        verifiedPath.withLock { $0 = path }
        return path
    }
}

/// Runs installer scripts with one `ssh` process each.
struct OpenSSHRemoteShell: RemoteShell {
    let launcher: OpenSSHAgentLauncher

    func runScript(_ script: String, standardInput: [UInt8]) async throws(ExecutionError) -> (
        status: Int32, output: String, errors: String
    ) {
        let errors = Mutex<[UInt8]>([])
        let child = try SpawnedAgentProcess.spawn(
            executable: launcher.sshPath, arguments: launcher.arguments(running: "sh -c " + ShellQuoting.quote(script)),
            standardError: { bytes in errors.withLock { $0 += bytes } })
        let socket = child.socket
        let output: [UInt8] = await withCheckedContinuation { continuation in
            do {
                try DedicatedThread.start(name: "ssh helper") {
                    Self.write(standardInput, to: socket)
                    shutdown(socket, Int32(SHUT_WR))
                }
                try DedicatedThread.start(name: "ssh helper output") {
                    continuation.resume(returning: Self.readAll(socket))
                }
            } catch {
                continuation.resume(returning: [])
            }
        }
        let status = await child.exitCode()
        close(socket)
        return (
            status, String(decoding: output, as: UTF8.self), String(decoding: errors.withLock { $0 }, as: UTF8.self)
        )
    }

    private static func write(_ bytes: [UInt8], to socket: Int32) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = send(socket, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { return }
                offset += written
            }
        }
    }

    private static func readAll(_ socket: Int32) -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                result += chunk[..<count]
            } else if count == 0 || errno != EINTR {
                return result
            }
        }
    }
}
