/// How ``RemoteHost/connect(to:options:)`` reaches a host and which agent it uses.
public struct RemoteHostOptions: Sendable {
    /// Which SSH implementation carries the agents.
    public enum Transport: String, Hashable, Sendable, CaseIterable {
        /// libssh in process: one persistent connection, a channel per command (the default).
        case libssh
        /// The system `ssh` binary, one process per command with the agent on its stdio: honours
        /// ControlMaster, FIDO keys and certificates exactly as `ssh` does.
        case openssh
    }

    /// The SSH transport; ignored for ``ExecutionDestination/local``.
    public var transport: Transport
    /// Connection settings that win over ssh_config.
    public var sshOverrides: SSHConnectionOverrides
    /// Extra `ssh` options for the OpenSSH transport (`-o ControlPath=…`), placed before the destination.
    public var openSSHArguments: [String]
    /// The agent to upload or run; found by ``AgentBinaryLocator`` when `nil`.
    public var agentPath: String?
    /// Receives each setup phase ("connect", "install", "verify") and how long it took.
    public var progress: (@Sendable (_ phase: String, _ duration: Duration, _ detail: String) -> Void)?
    /// Receives warnings (a dynamically linked agent).
    public var warning: (@Sendable (String) -> Void)?
    /// Whether the libssh transport starts the next agent ahead of need once one is running, so a
    /// further command skips the agent's start-up; a caller that runs one command leaves it off.
    public var keepsSpareAgent: Bool

    /// Creates options: libssh, no overrides, the located agent.
    public init(
        transport: Transport = .libssh, sshOverrides: SSHConnectionOverrides = SSHConnectionOverrides(),
        openSSHArguments: [String] = [], agentPath: String? = nil,
        progress: (@Sendable (String, Duration, String) -> Void)? = nil, warning: (@Sendable (String) -> Void)? = nil,
        keepsSpareAgent: Bool = true
    ) {
        self.transport = transport
        self.sshOverrides = sshOverrides
        self.openSSHArguments = openSSHArguments
        self.agentPath = agentPath
        self.progress = progress
        self.warning = warning
        self.keepsSpareAgent = keepsSpareAgent
    }
}
