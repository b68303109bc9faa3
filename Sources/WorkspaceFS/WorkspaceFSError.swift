public import SystemPackage

/// A failed WorkspaceFS call: what kind of failure, a message that says what to do, the path, and
/// the cause (a ``RemoteErrno`` for the agent's errno, the connection's error, or a local `Errno`).
public struct WorkspaceFSError: Error, Sendable, CustomStringConvertible {
    /// Kinds of failure; open, so new kinds can be added without breaking callers.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The code's name.
        public var rawValue: String
        /// Creates a code from its name.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's name.
        public var description: String { rawValue }

        /// The agent refused or failed the operation; ``WorkspaceFSError/remoteErrno`` says why.
        public static let remote = Code(rawValue: "remote")
        /// The connection to the agent ended or failed.
        public static let connection = Code(rawValue: "connection")
        /// The calling task was cancelled.
        public static let cancelled = Code(rawValue: "cancelled")
        /// A local file could not be read or written during a transfer.
        public static let local = Code(rawValue: "local")
        /// The agent answered something that makes no sense (a short write without an error).
        public static let protocolViolation = Code(rawValue: "protocol violation")
        /// The caller asked for something the file system cannot do (e.g. a directory where a file
        /// is needed).
        public static let invalidRequest = Code(rawValue: "invalid request")
    }

    /// What kind of failure.
    public var code: Code
    /// What happened and, where it helps, what to do.
    public var message: String
    /// The path the operation was about, when there is one.
    public var path: String?
    /// The underlying error: ``RemoteErrno``, the connection's error, or a local `Errno`.
    public var cause: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, path: String? = nil, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.cause = cause
    }

    /// The errno the agent reported (Linux numbering), when the agent failed the operation.
    public var remoteErrno: Errno? { (cause as? RemoteErrno)?.errno }

    /// The errno behind the failure, remote or local.
    public var errno: Errno? { remoteErrno ?? (cause as? Errno) }

    /// Whether the failure is the remote errno `errno`.
    public func isRemote(_ errno: Errno) -> Bool { remoteErrno == errno }

    /// The errno's text as the C library spells it ("No such file or directory"), else the message.
    public var reason: String { errno.map { $0.description } ?? message }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
