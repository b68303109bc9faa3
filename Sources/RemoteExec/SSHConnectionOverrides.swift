/// Connection settings given on the command line, which win over ssh_config.
public struct SSHConnectionOverrides: Hashable, Sendable {
    /// `-F FILE`: read this configuration file instead of the user's and the system's.
    public var configurationFile: String?
    /// `-l USER`.
    public var user: String?
    /// `-p PORT`.
    public var port: Int?
    /// `-i FILE`, repeatable; implies `IdentitiesOnly`.
    public var identityFiles: [String]
    /// `--accept-new`: add an unknown host's key to known_hosts instead of refusing it.
    public var acceptsNewHostKey: Bool
    /// Seconds for the TCP connection and handshake, overriding `ConnectTimeout`.
    public var connectTimeout: Int?
    /// Whether prompts (passphrase, password) may be shown on the controlling terminal.
    public var allowsTerminalPrompts: Bool

    /// Creates overrides; the defaults override nothing and allow prompts on a terminal.
    public init(
        configurationFile: String? = nil, user: String? = nil, port: Int? = nil, identityFiles: [String] = [],
        acceptsNewHostKey: Bool = false, connectTimeout: Int? = nil, allowsTerminalPrompts: Bool = true
    ) {
        self.configurationFile = configurationFile
        self.user = user
        self.port = port
        self.identityFiles = identityFiles
        self.acceptsNewHostKey = acceptsNewHostKey
        self.connectTimeout = connectTimeout
        self.allowsTerminalPrompts = allowsTerminalPrompts
    }
}
