import CSystemExtras

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Runs a small local program to completion and collects its output (`ssh -G`), blocking the
/// calling thread; never call it from the cooperative pool.
enum LocalProcess {
    /// What the program printed and how it ended.
    struct Result: Sendable {
        /// The exit status, or 128 + the signal number that ended it.
        var status: Int32
        /// Everything written to standard output.
        var standardOutput: [UInt8]
        /// Everything written to standard error.
        var standardError: [UInt8]
    }

    /// A system error while starting or reading the program.
    struct Failure: Error, CustomStringConvertible {
        /// The call that failed.
        var operation: String
        /// `errno` after it.
        var errorNumber: Int32
        var description: String { "\(operation): \(String(cString: strerror(errorNumber)))" }
    }

    /// The first executable named `name` in `$PATH`, `nil` when there is none.
    static func find(_ name: String) -> String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Runs `executable` with `arguments`, standard input from /dev/null, and waits for it.
    static func run(_ executable: String, arguments: [String]) throws(Failure) -> Result {
        var outputPipe: [Int32] = [-1, -1]
        var errorPipe: [Int32] = [-1, -1]
        guard pipe(&outputPipe) == 0 else { throw Failure(operation: "pipe", errorNumber: errno) }
        guard pipe(&errorPipe) == 0 else {
            close(outputPipe[0])
            close(outputPipe[1])
            throw Failure(operation: "pipe", errorNumber: errno)
        }
        // Other threads may spawn too: keep these ends out of their children.
        for descriptor in outputPipe + errorPipe { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorPipe[1], 2)
        // Only 0, 1 and 2 reach the child: descriptors other threads opened meanwhile (pipes of
        // other children) would otherwise keep those pipes open and their readers waiting.
        _ = mproxy_spawn_add_close_from(&actions, 3)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawnResult = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        close(outputPipe[1])
        close(errorPipe[1])
        guard spawnResult == 0 else {
            close(outputPipe[0])
            close(errorPipe[0])
            throw Failure(operation: "posix_spawn \(executable)", errorNumber: spawnResult)
        }
        var result = Result(status: 0, standardOutput: [], standardError: [])
        drain(output: outputPipe[0], error: errorPipe[0], into: &result)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        result.status = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        return result
    }

    /// Reads both pipes until both reach end of file, then closes them.
    private static func drain(output: Int32, error: Int32, into result: inout Result) {
        var descriptors = [
            pollfd(fd: output, events: Int16(POLLIN), revents: 0),
            pollfd(fd: error, events: Int16(POLLIN), revents: 0),
        ]
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while descriptors.contains(where: { $0.fd >= 0 }) {
            if poll(&descriptors, nfds_t(descriptors.count), -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            for index in descriptors.indices where descriptors[index].fd >= 0 && descriptors[index].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(descriptors[index].fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    if index == 0 {
                        result.standardOutput += buffer[..<count]
                    } else {
                        result.standardError += buffer[..<count]
                    }
                } else if count == 0 || errno != EINTR {
                    close(descriptors[index].fd)
                    descriptors[index].fd = -1
                }
            }
        }
        for descriptor in descriptors where descriptor.fd >= 0 { close(descriptor.fd) }
    }
}
