/// Installs the agent on a host: checks the platform, uploads the binary into a content-addressed
/// private directory, verifies its SHA-256 there, and reports where it landed.
struct AgentInstaller: Sendable {
    let agent: AgentBinary
    let shell: any RemoteShell
    let hostName: String

    /// Uploads and verifies the agent.
    ///
    /// - Returns: the agent's path on the host.
    /// - Throws: ``ExecutionError`` `unsupportedPlatform`, `diskFull` or `installFailed` with what to do.
    func install() async throws(ExecutionError) -> String {
        try await checkPlatform()
        let result = try await shell.runScript(
            AgentInstallScript.install(hash: agent.sha256), standardInput: agent.bytes)
        let line = result.output.split(separator: "\n").last.map(String.init) ?? ""
        if result.status == 0, line.hasPrefix("INSTALLED ") { return String(line.dropFirst("INSTALLED ".count)) }
        let detail =
            line.split(separator: " ", maxSplits: 1).dropFirst().first.map(String.init)
            ?? result.errors.trimmedWhitespace
        switch result.status {
        case 28:
            throw ExecutionError(
                .diskFull,
                "no space left on \(hostName) for the agent (\(detail)); free some space in the home directory or /tmp")
        case 3:
            throw ExecutionError(
                .installFailed, "cannot install the agent on \(hostName): \(detail); make ~/.cache or /tmp writable")
        case 4:
            throw ExecutionError(
                .installFailed,
                "the uploaded agent arrived corrupted on \(hostName) (\(detail)); check the connection and retry")
        case 5:
            throw ExecutionError(
                .installFailed,
                "cannot install the agent on \(hostName): \(detail); provide a private directory on a file system mounted with exec"
            )
        default:
            throw ExecutionError(
                .installFailed,
                "installing the agent on \(hostName) failed (exit \(result.status)): \(detail.isEmpty ? result.errors : detail)"
            )
        }
    }

    /// Refuses hosts the agent binary cannot run on, before uploading megabytes.
    private func checkPlatform() async throws(ExecutionError) {
        let result = try await shell.runScript(AgentInstallScript.platform, standardInput: [])
        let words = result.output.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        guard result.status == 0, words.count >= 2 else {
            throw ExecutionError(
                .unsupportedPlatform,
                "cannot tell the operating system of \(hostName) (uname -sm said \(result.output)\(result.errors)); mproxy needs a Linux host with a POSIX sh"
            )
        }
        let (system, machine) = (words[0], words[1])
        if agent.isLinuxELF, system != "Linux" {
            throw ExecutionError(
                .unsupportedPlatform,
                "\(hostName) runs \(system), but the agent \(agent.path) is a Linux binary; pass --agent with a build for \(system) \(machine)"
            )
        }
        let machines = agent.machineNames
        if !machines.isEmpty, !machines.contains(machine) {
            throw ExecutionError(
                .unsupportedPlatform,
                "\(hostName) is \(system) \(machine), but the agent \(agent.path) is built for \(machines[0]); pass --agent with a \(machine) build"
            )
        }
    }
}

extension String {
    /// The text without leading and trailing whitespace.
    fileprivate var trimmedWhitespace: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}
