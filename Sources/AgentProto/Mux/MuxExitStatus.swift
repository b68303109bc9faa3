/// How the remote command ended: the Exit frame's code and error text.
public struct MuxExitStatus: Hashable, Sendable {
    /// The exit code: the process's code, 128 + signal when a signal killed it, 127 when it could not start.
    public var code: Int
    /// Why the command could not start (command not found, permission denied, bad cwd); empty otherwise.
    public var error: String

    /// Creates a status.
    public init(code: Int, error: String = "") {
        self.code = code
        self.error = error
    }
}
