import AgentProto
import RemoteExec

/// A recorded command's argv as a line to read or paste into a shell: words quoted for a POSIX
/// shell, and words that are not UTF-8 (kept as ``PathBytes``) quoted the way GNU `ls` shows such
/// names (`'caf'$'\351'`), since their bytes cannot be shown as text.
enum CommandLineText {
    /// The words of `exec` (its argv, or its path when there is none), quoted and joined.
    static func of(_ exec: ExecRequest) -> String {
        (exec.arguments ?? [exec.path]).map { word in
            PathBytes.isText(word) ? ShellQuoting.quote(word) : FSShellWords.quoteLikeListing(word)
        }
        .joined(separator: " ")
    }
}
