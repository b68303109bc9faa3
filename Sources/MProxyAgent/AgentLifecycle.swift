// How the agent ends: whoever decides first (exec done, connection lost, protocol error) sets the
// exit code; the main thread then flushes the mux and exits.

import AgentProto
import Synchronization

/// The agent's exit code, decided once, and the wake-up for the main thread waiting for it.
final class AgentLifecycle: Sendable {
    private let code = Mutex<Int32?>(nil)
    /// Only the main thread waits, once; a signal sent before it waits is kept.
    private let decided = ThreadSignal()

    /// Ends the agent with `exitCode`; later calls are ignored.
    func finish(_ exitCode: Int32) {
        let isFirst = code.withLock { code in
            guard code == nil else { return false }
            code = exitCode
            return true
        }
        if isFirst { decided.signal() }
    }

    /// Blocks until ``finish(_:)`` was called and returns its code.
    func waitForExitCode() -> Int32 {
        while code.withLock({ $0 }) == nil { decided.wait() }
        return code.withLock { $0 ?? 0 }
    }
}
