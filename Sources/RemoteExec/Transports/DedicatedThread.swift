import AgentProto

/// Starts a detached thread for blocking work (waiting for a child, copying its standard error),
/// so blocking calls never run on Swift's cooperative pool.
enum DedicatedThread {
    /// Runs `body` on a new detached thread.
    ///
    /// - Throws: ``ExecutionError`` `launchFailed` when the system refuses a new thread.
    static func start(name: String, _ body: @escaping @Sendable () -> Void) throws(ExecutionError) {
        do {
            try IOThread.startDetached(name: name, body)
        } catch {
            throw ExecutionError(.launchFailed, error.message, cause: error)
        }
    }
}
