// How the agent ends a command it can no longer serve, whether the agent itself noticed the lost
// connection or its orphan guard noticed the agent was gone: SIGHUP (with SIGCONT, so a stopped
// process sees it), a grace period to exit cleanly, then SIGKILL.

import Glibc

/// The hang-up sequence for whatever processes `signal` reaches.
enum HangUp {
    /// How long the processes get between SIGHUP and SIGKILL.
    static let graceMilliseconds = 1000

    /// Sends SIGHUP and SIGCONT through `send`, waits while `isAlive` says something still runs
    /// (at most ``graceMilliseconds``), then sends SIGKILL.
    static func perform(signal send: (CInt) -> Void, whileAlive isAlive: () -> Bool) {
        send(SIGHUP)
        send(SIGCONT)
        var waited = 0
        while waited < graceMilliseconds, isAlive() {
            usleep(10_000)
            waited += 10
        }
        send(SIGKILL)
    }
}
