/// The settings that decide how to reach one host: what `ssh -G HOST` prints, or libssh's own
/// reading of ssh_config when the OpenSSH client is not installed, with the command line's overrides
/// applied last.
public struct SSHHostConfiguration: Hashable, Sendable {
    /// Where the settings came from.
    public enum Source: Hashable, Sendable {
        /// `ssh -G`: the OpenSSH client's full reading of ssh_config (Include, Match, tokens).
        case openSSH
        /// libssh's ssh_config parser, applied to the session itself at connect time.
        case libSSH
        /// Only the destination and overrides; no configuration file was read.
        case explicit
    }

    /// The name the user gave (an alias, perhaps), used for messages and known_hosts hints.
    public var alias: String
    /// The host name or address to connect to.
    public var hostName: String
    /// The TCP port.
    public var port: Int
    /// The login name.
    public var user: String
    /// Private key files to try, in order, with `~` and `%` tokens expanded.
    public var identityFiles: [String]
    /// Whether to offer only ``identityFiles``, not every key the ssh-agent holds.
    public var identitiesOnly: Bool
    /// The ssh-agent socket (`IdentityAgent`), `nil` for `SSH_AUTH_SOCK`; `"none"` disables the agent.
    public var identityAgent: String?
    /// A command whose stdio carries the connection, with `%h`, `%p`, `%r` left for libssh to expand.
    public var proxyCommand: String?
    /// Jump hosts (`ProxyJump`), comma separated as in ssh_config.
    public var proxyJump: String?
    /// known_hosts files to read; the first is the one new keys are added to.
    public var userKnownHostsFiles: [String]
    /// What to do with an unknown host key.
    public var strictHostKeyChecking: StrictHostKeyChecking
    /// The name host keys are looked up and saved under instead of the host name and port
    /// (`HostKeyAlias`), for hosts reached through a forwarded port or a name that changes.
    public var hostKeyAlias: String?
    /// Seconds to wait for the TCP connection and the handshake, `nil` for the default.
    public var connectTimeout: Int?
    /// Seconds between keepalive requests when the connection is idle; 0 disables them.
    public var serverAliveInterval: Int
    /// Keepalives that may go unanswered before the connection counts as lost.
    public var serverAliveCountMax: Int
    /// Variables sent to the server before each command (`SetEnv`), in order; the server's
    /// `AcceptEnv` decides which it keeps.
    public var environment: [EnvironmentVariable] = []
    /// The `-F` file the settings were read from, `nil` for the default files.
    public var configurationFile: String?
    /// Where the settings came from.
    public var source: Source

    /// Creates settings from explicit values; every other field takes OpenSSH's default.
    public init(
        alias: String, hostName: String? = nil, port: Int = 22, user: String,
        identityFiles: [String] = [], identitiesOnly: Bool = false, identityAgent: String? = nil,
        proxyCommand: String? = nil, proxyJump: String? = nil, userKnownHostsFiles: [String] = [],
        strictHostKeyChecking: StrictHostKeyChecking = .ask, connectTimeout: Int? = nil,
        serverAliveInterval: Int = 0, serverAliveCountMax: Int = 3, configurationFile: String? = nil,
        source: Source = .explicit
    ) {
        self.alias = alias
        self.hostName = hostName ?? alias
        self.port = port
        self.user = user
        self.identityFiles = identityFiles
        self.identitiesOnly = identitiesOnly
        self.identityAgent = identityAgent
        self.proxyCommand = proxyCommand
        self.proxyJump = proxyJump
        self.userKnownHostsFiles = userKnownHostsFiles
        self.strictHostKeyChecking = strictHostKeyChecking
        self.connectTimeout = connectTimeout
        self.serverAliveInterval = serverAliveInterval
        self.serverAliveCountMax = serverAliveCountMax
        self.configurationFile = configurationFile
        self.source = source
    }

    /// One `SetEnv` variable.
    public struct EnvironmentVariable: Hashable, Sendable {
        /// The variable's name.
        public var name: String
        /// Its value.
        public var value: String

        /// Creates a variable.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The name this host's keys are filed under in known_hosts, as OpenSSH writes it: the
    /// ``hostKeyAlias`` as it is, else the host name, with the port in brackets when it is not 22.
    public var knownHostsName: String {
        if let hostKeyAlias { return hostKeyAlias }
        return port == 22 ? hostName : "[\(hostName)]:\(port)"
    }

    /// Applies what the command line gave (`-l`, `-p`, `-i`, `--accept-new`, and the destination's
    /// own user and port), which wins over any configuration file.
    public mutating func apply(_ overrides: SSHConnectionOverrides, destination: Destination) {
        if let user = overrides.user ?? destination.user { self.user = user }
        if let port = overrides.port ?? destination.port { self.port = port }
        if !overrides.identityFiles.isEmpty {
            identityFiles = overrides.identityFiles.map { SSHPathExpansion.expandTilde($0) }
            identitiesOnly = true
        }
        if overrides.acceptsNewHostKey, strictHostKeyChecking != .no { strictHostKeyChecking = .acceptNew }
        if let connectTimeout = overrides.connectTimeout { self.connectTimeout = connectTimeout }
    }
}
