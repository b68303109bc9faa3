import ArgumentParser
import Foundation
import RemoteExec

/// How to reach the destination: transport, SSH overrides and the agent to use. Shared by the
/// commands that run an agent (`exec`, `path`).
struct ConnectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("libssh (in process, the default) or openssh (the system ssh binary).", valueName: "T"))
    var transport: TransportChoice = .libssh

    @Option(
        help: ArgumentHelp(
            "Agent binary to upload (e.g. a Go mproxy-agent); default $MPROXY_AGENT, else the one built with mproxy.",
            valueName: "FILE"))
    var agent: String?

    @Option(
        name: .customShort("F"),
        help: ArgumentHelp("ssh_config file to read instead of the default.", valueName: "FILE"))
    var configFile: String?

    @Option(name: .customShort("l"), help: ArgumentHelp("Login name.", valueName: "USER"))
    var login: String?

    @Option(name: .customShort("p"), help: ArgumentHelp("Port.", valueName: "PORT"))
    var port: Int?

    @Option(name: .customShort("i"), help: ArgumentHelp("Identity file (repeatable).", valueName: "FILE"))
    var identity: [String] = []

    @Option(
        name: .customShort("o"),
        help: ArgumentHelp("Extra ssh option for --transport openssh (repeatable).", valueName: "OPT"))
    var sshOption: [String] = []

    @Flag(help: "Add an unknown host's key to known_hosts instead of refusing it.")
    var acceptNew = false

    @Option(help: ArgumentHelp("Seconds to wait for the connection.", valueName: "SECONDS"))
    var connectTimeout: Int?

    @Flag(name: .shortAndLong, help: "Show connection details, timings and the agent's log on standard error.")
    var verbose = false

    /// The library options these flags describe; `commandCount` 1 starts no spare agent.
    func hostOptions(commandCount: Int = 2) -> RemoteHostOptions {
        var progress: (@Sendable (String, Duration, String) -> Void)?
        if verbose {
            progress = { phase, duration, detail in
                StandardIO.writeStandardError("mproxy: \(phase) \(Self.milliseconds(duration)) \(detail)")
            }
        }
        return RemoteHostOptions(
            transport: transport == .openssh ? .openssh : .libssh,
            sshOverrides: SSHConnectionOverrides(
                configurationFile: configFile, user: login, port: port, identityFiles: identity,
                acceptsNewHostKey: acceptNew, connectTimeout: connectTimeout),
            openSSHArguments: sshOption.flatMap { ["-o", $0] },
            agentPath: agent,
            progress: progress,
            warning: { StandardIO.writeStandardError("mproxy: warning: \($0)") }, keepsSpareAgent: commandCount > 1)
    }

    /// "12.3 ms".
    static func milliseconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        return String(format: "%.1f ms", value)
    }
}

/// `--transport`: which SSH implementation carries the agents.
enum TransportChoice: String, ExpressibleByArgument, CaseIterable {
    case libssh
    case openssh
}
