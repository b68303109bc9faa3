// How a child ended, and the agentproto exit code for it (128 + signal when killed, as a shell does).

/// How a child process ended.
enum TerminationStatus: Hashable, Sendable {
    /// It called exit with this status.
    case exited(Int32)
    /// A signal killed it.
    case signaled(Int32)

    /// Decodes a raw `waitpid` status (the W* macros, which Swift cannot import).
    init(waitStatus status: Int32) {
        let signal = status & 0x7f
        if signal == 0 {
            self = .exited((status >> 8) & 0xff)
        } else {
            self = .signaled(signal)
        }
    }

    /// The Exit frame's code: the exit status, or 128 + the signal number.
    var exitCode: Int {
        switch self {
        case .exited(let code): Int(code)
        case .signaled(let signal): 128 + Int(signal)
        }
    }
}
