import CSystemExtras
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A local child that speaks agentproto on its standard input and output: the agent itself (local
/// transport) or `ssh` running it remotely (OpenSSH transport).
///
/// Standard input and output are one end of a socketpair (writes use `MSG_NOSIGNAL`, so a vanished
/// child never raises SIGPIPE in our process); standard error is a pipe copied line by line to a
/// handler by a dedicated thread, which then reaps the child. The child gets its own process group,
/// so a Ctrl-C on the terminal reaches only `mproxy`, which forwards it as a Signal frame, and a
/// clean signal mask and default dispositions.
final class SpawnedAgentProcess: Sendable {
    /// The child's pid.
    let processIdentifier: pid_t
    /// Our end of the socketpair (the transport owns and closes it).
    let socket: Int32
    private let status = Mutex<(Int32?, [CheckedContinuation<Int32, Never>])>((nil, []))

    private init(processIdentifier: pid_t, socket: Int32) {
        self.processIdentifier = processIdentifier
        self.socket = socket
    }

    /// Starts `executable` with `arguments` (argv[0] included).
    ///
    /// - Parameters:
    ///   - standardError: called with each piece of the child's standard error, on its own thread.
    /// - Throws: ``ExecutionError`` `launchFailed` naming the failed call.
    static func spawn(
        executable: String, arguments: [String], environment: [String]? = nil,
        standardError: @escaping @Sendable ([UInt8]) -> Void
    ) throws(ExecutionError) -> SpawnedAgentProcess {
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            throw ExecutionError(
                .launchFailed, "socketpair failed: \(String(cString: strerror(errno))); raise the descriptor limit")
        }
        var errorPipe: [Int32] = [-1, -1]
        guard pipe(&errorPipe) == 0 else {
            close(pair[0])
            close(pair[1])
            throw ExecutionError(
                .launchFailed, "pipe failed: \(String(cString: strerror(errno))); raise the descriptor limit")
        }
        // Other threads may spawn too: keep these ends out of their children.
        for descriptor in errorPipe { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pair[1], 0)
        posix_spawn_file_actions_adddup2(&actions, pair[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorPipe[1], 2)
        // Only 0, 1 and 2 reach the child: descriptors other threads opened meanwhile (pipes of
        // other children) would otherwise keep those pipes open and their readers waiting.
        _ = mproxy_spawn_add_close_from(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let environmentPointers = environment.map { $0.map { strdup($0) } + [nil] }
        defer { environmentPointers?.forEach { free($0) } }
        var pid: pid_t = 0
        let result: Int32
        if let environmentPointers {
            result = posix_spawn(&pid, executable, &actions, &attributes, argv, environmentPointers)
        } else {
            result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        }
        close(pair[1])
        close(errorPipe[1])
        guard result == 0 else {
            close(pair[0])
            close(errorPipe[0])
            throw ExecutionError(
                .launchFailed, "could not start \(executable): \(String(cString: strerror(result)))")
        }
        let process = SpawnedAgentProcess(processIdentifier: pid, socket: pair[0])
        let errorDescriptor = errorPipe[0]
        do {
            try DedicatedThread.start(name: "agent stderr") {
                process.copyStandardError(errorDescriptor, to: standardError)
            }
        } catch {
            close(errorDescriptor)
            kill(pid, SIGKILL)
            process.reap()
            throw error
        }
        return process
    }

    /// Copies standard error until end of file, then waits for the child and publishes its status.
    private func copyStandardError(_ descriptor: Int32, to handler: @Sendable ([UInt8]) -> Void) {
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                handler(Array(buffer[..<count]))
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        close(descriptor)
        reap()
    }

    private func reap() {
        var raw: Int32 = 0
        while waitpid(processIdentifier, &raw, 0) < 0 && errno == EINTR {}
        let signal = raw & 0x7f
        let code = signal == 0 ? (raw >> 8) & 0xff : 128 + signal
        let waiters = status.withLock { state in
            state.0 = code
            defer { state.1 = [] }
            return state.1
        }
        for waiter in waiters { waiter.resume(returning: code) }
    }

    /// Waits for the child to exit: its exit status, or 128 + the signal that ended it.
    func exitCode() async -> Int32 {
        await withCheckedContinuation { continuation in
            let known = status.withLock { state in
                if state.0 == nil { state.1.append(continuation) }
                return state.0
            }
            if let known { continuation.resume(returning: known) }
        }
    }

    /// Sends `signal` to the child's process group.
    func signalGroup(_ signal: Int32) {
        let known = status.withLock { $0.0 }
        if known == nil { kill(-processIdentifier, signal) }
    }
}
