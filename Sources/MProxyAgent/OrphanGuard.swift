// What happens to a command when the agent dies without warning (SIGKILL, the OOM killer, a crash):
// the agent cannot hang up the process group itself, so a small guard process does. The guard is
// the agent binary re-executed with a private argument; it blocks reading a pipe whose only writer
// is the agent. A byte means "released, the agent handled everything"; end of file without one
// means the agent is gone, and the guard hangs up the command's group as connection loss would.

import CSystemExtras
import Glibc

/// The guard process watching a command's process group on the agent's behalf.
struct OrphanGuard: Sendable {
    /// The private argument that runs the agent binary as a guard: `--guard-process-group PGID`.
    static let argument = "--guard-process-group"

    /// The agent's end of the pipe the guard reads.
    private let releaseDescriptor: CInt

    /// Starts a guard for `group`.
    ///
    /// - Returns: nil when no guard could be started (the command still runs; only the case of the
    ///   agent being killed is no longer covered).
    static func start(watching group: pid_t) -> OrphanGuard? {
        var descriptors: [CInt] = [-1, -1]
        guard mproxy_pipe_close_on_exec(&descriptors) == 0 else { return nil }
        let (guardReads, agentWrites) = (descriptors[0], descriptors[1])
        defer { close(guardReads) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, guardReads, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        mproxy_spawn_add_close_from(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group: signals meant for the agent's group or the command's miss it.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        var pid: pid_t = 0
        let result = withCStringArray(["mproxy-agent", argument, String(group)]) { argv in
            posix_spawn(&pid, "/proc/self/exe", &actions, &attributes, argv, environ)
        }
        guard result == 0 else {
            close(agentWrites)
            return nil
        }
        return OrphanGuard(releaseDescriptor: agentWrites)
    }

    /// Tells the guard the agent handled the command's end itself; the guard exits.
    func release() {
        var byte: UInt8 = 1
        _ = write(releaseDescriptor, &byte, 1)
        close(releaseDescriptor)
    }

    /// The guard process: waits on standard input, then hangs up `group` unless it was released.
    static func run(group: pid_t) -> Never {
        // The guard outlives the agent's session; a hang-up or a closed pipe must not stop it.
        signal(SIGHUP, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        var byte: UInt8 = 0
        while true {
            let count = read(0, &byte, 1)
            if count == 1 { exit(0) }
            if count == 0 || errno != EINTR { break }
        }
        guard group > 1 else { exit(0) }
        HangUp.perform(signal: { kill(-group, $0) }, whileAlive: { kill(-group, 0) == 0 })
        exit(0)
    }
}
