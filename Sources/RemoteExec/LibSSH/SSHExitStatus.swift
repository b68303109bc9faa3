/// How a remote command ended, as the server reported it. A result, not an error.
public enum SSHExitStatus: Hashable, Sendable, CustomStringConvertible {
    /// The command exited with this status (RFC 4254 §6.10 "exit-status").
    case exited(Int32)
    /// A signal ended the command (RFC 4254 §6.10 "exit-signal"): its name without "SIG", whether
    /// it dumped core, and the server's message.
    case signaled(name: String, coreDumped: Bool, message: String)
    /// The channel closed without either report (the server or the connection went away).
    case unknown

    /// The status a local shell would give: the exit status, 128 + the signal number (Linux
    /// numbering), or 255 when unknown, as `ssh` exits.
    public var shellStatus: Int32 {
        switch self {
        case .exited(let status): return status
        case .signaled(let name, _, _): return 128 + (Self.signalNumbers[name] ?? 0)
        case .unknown: return 255
        }
    }

    /// "exit 3", "signal TERM", "unknown".
    public var description: String {
        switch self {
        case .exited(let status): return "exit \(status)"
        case .signaled(let name, let coreDumped, _): return "signal \(name)" + (coreDumped ? " (core dumped)" : "")
        case .unknown: return "unknown"
        }
    }

    /// RFC 4254 §6.10 signal names with their Linux numbers.
    private static let signalNumbers: [String: Int32] = [
        "HUP": 1, "INT": 2, "QUIT": 3, "ILL": 4, "TRAP": 5, "ABRT": 6, "BUS": 7, "FPE": 8, "KILL": 9,
        "USR1": 10, "SEGV": 11, "USR2": 12, "PIPE": 13, "ALRM": 14, "TERM": 15,
    ]
}
