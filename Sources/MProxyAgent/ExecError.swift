// Why a command could not start; its message is the Exit frame's error text.

/// A command that could not be started (the agent answers Exit 127 with ``message``).
struct ExecError: Error, Sendable {
    /// What failed.
    struct Code: RawRepresentable, Hashable, Sendable {
        var rawValue: String
        /// The program was not found on the forwarded PATH nor on the agent's.
        static let programNotFound = Code(rawValue: "programNotFound")
        /// The working directory does not exist or is not a directory.
        static let badWorkingDirectory = Code(rawValue: "badWorkingDirectory")
        /// posix_spawn or the descriptors for it failed.
        static let spawnFailed = Code(rawValue: "spawnFailed")
    }

    /// What failed.
    var code: Code
    /// Go-compatible text for the Exit frame ("exec: \"x\": executable file not found in $PATH").
    var message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}
