public import AgentProto

/// A program to run on the remote host, sent to the agent verbatim: no shell ever parses it.
public struct RemoteCommand: Hashable, Sendable {
    /// The program: an absolute path, a path relative to ``workingDirectory``, or a name the agent
    /// looks up in its `PATH`.
    public var executable: String
    /// The arguments after argv[0].
    public var arguments: [String]
    /// argv[0] as the program sees it; the executable when `nil`.
    public var argumentZero: String?
    /// The environment: `nil` inherits the agent's (the remote login environment, unfiltered, as
    /// `ssh` gives it); a list is filtered by ``environmentKeep`` and ``environmentRemove`` on the
    /// agent and then replaces it.
    public var environment: [String]?
    /// The working directory; the remote login directory when empty.
    public var workingDirectory: String
    /// Extra descriptors (3 and up) the program gets as sockets; their data is stream N.
    public var extraFileDescriptors: [UInt32]
    /// Variable-name patterns to keep (globs, or `/regex/`); the Go agent's defaults when `nil`.
    public var environmentKeep: [String]?
    /// Variable-name patterns to drop, which beat ``environmentKeep``; the Go agent's defaults when `nil`.
    public var environmentRemove: [String]?

    /// Creates a command.
    public init(
        executable: String, arguments: [String] = [], argumentZero: String? = nil, environment: [String]? = nil,
        workingDirectory: String = "", extraFileDescriptors: [UInt32] = [], environmentKeep: [String]? = nil,
        environmentRemove: [String]? = nil
    ) {
        self.executable = executable
        self.arguments = arguments
        self.argumentZero = argumentZero
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.extraFileDescriptors = extraFileDescriptors
        self.environmentKeep = environmentKeep
        self.environmentRemove = environmentRemove
    }

    /// The Go agent's `agent.env_keep` default.
    public static let defaultEnvironmentKeep = [
        "HOME", "PATH", "TERM", "LANG", "LC_*", "USER", "LOGNAME", "SHELL", "EDITOR", "VISUAL", "PAGER", "TZ",
        "DISPLAY", "SSH_AUTH_SOCK", "XDG_*",
    ]
    /// The Go agent's `agent.env_remove` default.
    public static let defaultEnvironmentRemove = ["LD_PRELOAD", "LD_LIBRARY_PATH", "MPROXY_*"]

    /// The Exec request the agent receives.
    public var execRequest: ExecRequest {
        ExecRequest(
            path: executable, arguments: [argumentZero ?? executable] + arguments, environment: environment,
            workingDirectory: workingDirectory, extraFileDescriptors: extraFileDescriptors)
    }

    /// The Config frame sent before the Exec to an agent of unknown kind (`nil` capabilities) or to
    /// one that announced `capabilities`: the environment filter, and the `hello` and `exec-reuse`
    /// extensions (which a Go agent ignores).
    ///
    /// `nil` when the environment is inherited and the agent is not known to support
    /// `unfiltered-environment`: any other Config makes an agent filter, and a filtered inherited
    /// environment is empty (agentproto semantics), so such a command goes without Config (and
    /// without hello or reuse).
    public func agentConfiguration(forAgentWith capabilities: [String]?) -> AgentConfiguration? {
        guard environment != nil else {
            guard let capabilities, capabilities.contains("unfiltered-environment") else { return nil }
            return AgentConfiguration(extensions: ["hello", "exec-reuse", "unfiltered-environment"])
        }
        return AgentConfiguration(
            environmentKeep: environmentKeep ?? Self.defaultEnvironmentKeep,
            environmentRemove: environmentRemove ?? Self.defaultEnvironmentRemove, extensions: ["hello", "exec-reuse"])
    }
}
