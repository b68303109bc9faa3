// The agent's single owner of wait(2) (Go `subreaper.Reaper`): one thread loops on waitpid(-1),
// so orphaned grandchildren reparented to the subreaper are reaped too, and no other code races it
// for a status. A status that arrives before anyone asks for it is kept until asked.

import CSystemExtras
import Glibc
import Synchronization

/// Reaps every child of the agent and hands each status to whoever waits for that pid.
final class ChildReaper: Sendable {
    private struct State {
        var statuses: [pid_t: Int32] = [:]
        var waiters: [pid_t: @Sendable (TerminationStatus) -> Void] = [:]
    }

    private let state = Mutex(State())
    /// Written once per spawn, so a reaper that found no children wakes to wait for the new one.
    private let wakeRead: CInt
    private let wakeWrite: CInt

    init() {
        var descriptors: [CInt] = [-1, -1]
        mproxy_pipe_close_on_exec(&descriptors)
        wakeRead = descriptors[0]
        wakeWrite = descriptors[1]
    }

    /// Starts the reaping thread.
    func start() {
        AgentThread.detach { [self] in run() }
    }

    /// Tells the reaper a child now exists (call right after spawning it).
    func childStarted() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    /// Calls `body` once with the status of `pid`, now if it was already reaped.
    func onTermination(of pid: pid_t, _ body: @escaping @Sendable (TerminationStatus) -> Void) {
        let status = state.withLock { state -> Int32? in
            if let status = state.statuses.removeValue(forKey: pid) { return status }
            state.waiters[pid] = body
            return nil
        }
        if let status { body(TerminationStatus(waitStatus: status)) }
    }

    private func run() {
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, 0)
            if pid > 0 {
                deliver(pid: pid, status: status)
                continue
            }
            if errno == EINTR { continue }
            // ECHILD: nothing to wait for until the next spawn.
            var buffer = [UInt8](repeating: 0, count: 64)
            _ = read(wakeRead, &buffer, buffer.count)
        }
    }

    private func deliver(pid: pid_t, status: Int32) {
        let waiter = state.withLock { state -> (@Sendable (TerminationStatus) -> Void)? in
            if let waiter = state.waiters.removeValue(forKey: pid) { return waiter }
            // Only direct children are ever asked for; keep their status, drop reparented orphans'.
            state.statuses[pid] = status
            if state.statuses.count > 4096 { state.statuses.removeAll() }
            return nil
        }
        waiter?(TerminationStatus(waitStatus: status))
    }
}
