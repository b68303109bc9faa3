// Detached threads for the agent's blocking work (pipe pumps, the reaper, connection-loss
// teardown), so blocking calls never run on Swift's cooperative pool.

import AgentProto

/// Starts the agent's detached threads.
enum AgentThread {
    /// Pumps need little stack; 256 KiB keeps many concurrent streams cheap.
    static let stackSize = 256 << 10

    /// Runs `body` on a new detached thread; false when the system refuses a thread.
    @discardableResult
    static func detach(_ body: @escaping @Sendable () -> Void) -> Bool {
        do {
            try IOThread.startDetached(name: "agent", stackSize: stackSize, body)
            return true
        } catch {
            return false
        }
    }
}
