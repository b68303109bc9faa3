/// Runs a small `sh` script on a host and collects what it printed: how the installer talks to a
/// host over whichever transport carries it.
protocol RemoteShell: Sendable {
    /// Runs `script` with `sh -c`, feeding it `standardInput`.
    ///
    /// - Returns: the exit status (255 when unknown), standard output and standard error as text.
    func runScript(_ script: String, standardInput: [UInt8]) async throws(ExecutionError) -> (
        status: Int32, output: String, errors: String
    )
}
