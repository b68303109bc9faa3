/// How a remote command ended, as the agent's Exit frame says. A result, not an error.
public struct TerminationStatus: Hashable, Sendable, CustomStringConvertible {
    /// The exit code: the program's status, 128 + N when signal N ended it, 127 when it could not start.
    public var code: Int
    /// The agent's explanation when the command could not start ("no such file", "bad cwd"); empty otherwise.
    public var errorText: String

    /// Creates a status.
    public init(code: Int, errorText: String = "") {
        self.code = code
        self.errorText = errorText
    }

    /// Whether the command exited 0.
    public var isSuccess: Bool { code == 0 }

    /// The signal number when the code says a signal ended the command (129–192), else `nil`.
    /// A program may also exit with such a code itself; the protocol cannot tell them apart.
    public var signal: Int32? { (129...192).contains(code) ? Int32(code - 128) : nil }

    /// The code an `mproxy exec` process exits with: the code itself, clamped to 0–255.
    public var shellExitCode: Int32 { Int32(max(0, min(255, code))) }

    /// "exit 3", "signal 15 (exit 143)", or "exit 127: <error text>".
    public var description: String {
        var text = signal.map { "signal \($0) (exit \(code))" } ?? "exit \(code)"
        if !errorText.isEmpty { text += ": \(errorText)" }
        return text
    }
}
