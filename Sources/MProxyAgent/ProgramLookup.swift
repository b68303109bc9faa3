// Finding the program of an Exec: a name without a slash is looked up on the PATH the client
// forwarded in the environment first (the command was meant to run with it), then on the agent's.

import AgentProto
import Glibc

/// Resolves an Exec `path` to the file to spawn.
enum ProgramLookup {
    /// The file to spawn, or Go's "executable file not found in $PATH" error.
    static func resolve(_ program: String, environment: [String]?) -> Result<String, ExecError> {
        if program.contains("/") { return .success(program) }
        if program.isEmpty {
            return .failure(ExecError(.programNotFound, "exec: no command"))
        }
        var directories: [Substring] = []
        if let forwarded = environment?.last(where: { $0.hasPrefix("PATH=") }) {
            directories += forwarded.dropFirst(5).split(separator: ":", omittingEmptySubsequences: false)
        }
        if let own = getenv("PATH") {
            directories += String(cString: own).split(separator: ":", omittingEmptySubsequences: false)
        }
        for directory in directories {
            // An empty PATH element means the current directory, as in Go's exec.LookPath.
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + program
            var status = stat()
            if PathBytes.withCString(candidate, { fstatat(AT_FDCWD, $0, &status, 0) }) == 0,
                status.st_mode & S_IFMT == S_IFREG,
                status.st_mode & 0o111 != 0
            {
                return .success(candidate)
            }
        }
        return .failure(ExecError(.programNotFound, "exec: \"\(program)\": executable file not found in $PATH"))
    }
}
