import ArgumentParser

/// One `mproxy fs` command (`ls`, `get`, ...): parsed from the words after the destination, or
/// from a line of the interactive shell, and run against the session.
protocol FSSubcommand: ParsableCommand {
    /// Runs the command; returns its exit status (0 success, 1 failure, 2 trouble as `ls` uses it).
    func run(in session: FSSession) async -> Int32
}
