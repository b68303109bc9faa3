/// Why a remote command could not be run: the connection, the agent's installation, or the
/// protocol failed. A command that runs and exits non-zero is a ``TerminationStatus``, not an error.
public struct ExecutionError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, open for new cases.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The code's text.
        public var rawValue: String
        /// Creates a code.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's text.
        public var description: String { rawValue }

        /// The destination text is not a destination.
        public static let invalidDestination = Code(rawValue: "invalid destination")
        /// Connecting or authenticating failed.
        public static let connectionFailed = Code(rawValue: "connection failed")
        /// The connection broke while a command ran.
        public static let connectionLost = Code(rawValue: "connection lost")
        /// No agent binary to upload or run was found locally.
        public static let agentNotFound = Code(rawValue: "agent not found")
        /// The remote operating system or architecture cannot run the agent.
        public static let unsupportedPlatform = Code(rawValue: "unsupported platform")
        /// The remote has no space left for the agent.
        public static let diskFull = Code(rawValue: "disk full")
        /// Installing the agent failed for another reason (no writable, executable private directory).
        public static let installFailed = Code(rawValue: "install failed")
        /// Starting the agent process or one of its threads failed.
        public static let launchFailed = Code(rawValue: "launch failed")
        /// The agent spoke something that is not agentproto, or ended without an Exit frame.
        public static let protocolFailure = Code(rawValue: "protocol failure")
    }

    /// What went wrong.
    public var code: Code
    /// What happened and what to do about it.
    public var message: String
    /// The underlying error, when there is one.
    public var cause: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// The message, for a one-line report.
    public var description: String { message }
}
