public import SystemPackage

/// The errno an agent answered with, and its own text for the error (Go's `os` wording).
public struct RemoteErrno: Error, Hashable, Sendable, CustomStringConvertible {
    /// The error number, Linux numbering (agentproto `er`).
    public var errno: Errno
    /// The agent's text (agentproto `em`), e.g. "open /x: no such file or directory".
    public var message: String

    /// Creates one from the response's fields.
    public init(errno: Errno, message: String) {
        self.errno = errno
        self.message = message
    }

    /// The agent's text, or the errno's when the agent sent none.
    public var description: String { message.isEmpty ? errno.description : message }
}
