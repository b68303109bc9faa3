// Spawning the command with posix_spawn (Go `childproc.Build` + `cmd.Start`): a new process group,
// three fresh pipes, and one socketpair per extra fd placed at exactly that number.

import AgentProto
import CSystemExtras
import Glibc

/// A started child and the agent's ends of its standard streams and extra descriptors.
struct ChildProcess: Sendable {
    /// The child's pid, which is also its process group id.
    var pid: pid_t
    /// The agent's write end of the child's stdin.
    var standardInput: CInt
    /// The agent's read end of the child's stdout.
    var standardOutput: CInt
    /// The agent's read end of the child's stderr.
    var standardError: CInt
    /// For each extra fd number, the agent's end of its socketpair (read and written).
    var extraDescriptors: [(number: UInt32, descriptor: CInt)]

    /// Spawns `program` with `arguments` (argv, argv[0] included).
    ///
    /// - Parameters:
    ///   - environment: `KEY=VALUE` strings, or nil to inherit the agent's environment.
    ///   - workingDirectory: where the child starts; empty keeps the agent's.
    static func spawn(
        program: String,
        arguments: [String],
        environment: [String]?,
        workingDirectory: String,
        extraDescriptorNumbers: [UInt32]
    ) -> Result<ChildProcess, ExecError> {
        if !workingDirectory.isEmpty {
            // posix_spawn reports a failed chdir and a failed exec with the same errno; check first
            // so the user learns which one it was (Go's text: "chdir DIR: ...").
            var status = stat()
            if PathBytes.withCString(workingDirectory, { fstatat(AT_FDCWD, $0, &status, 0) }) != 0 {
                return .failure(ExecError(.badWorkingDirectory, "chdir \(workingDirectory): \(errnoText(errno))"))
            }
            if status.st_mode & S_IFMT != S_IFDIR {
                return .failure(ExecError(.badWorkingDirectory, "chdir \(workingDirectory): not a directory"))
            }
        }
        let highestTarget = Int32(extraDescriptorNumbers.max() ?? 2)
        var pipes = DescriptorSet(lowestChildDescriptor: max(3, highestTarget + 1))
        defer { pipes.closeChildEnds() }
        guard let standardInput = pipes.pipe(childReads: true, capacity: ExecSession.chunkSize),
            let standardOutput = pipes.pipe(childReads: false, capacity: ExecSession.chunkSize),
            let standardError = pipes.pipe(childReads: false)
        else {
            pipes.closeAgentEnds()
            return .failure(ExecError(.spawnFailed, "pipe: \(errnoText(errno))"))
        }
        var extra: [(number: UInt32, descriptor: CInt)] = []
        for number in extraDescriptorNumbers {
            guard let pair = pipes.socketPair() else {
                pipes.closeAgentEnds()
                return .failure(ExecError(.spawnFailed, "socketpair: \(errnoText(errno))"))
            }
            extra.append((number, pair))
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (child, target) in zip(pipes.childEnds, [0, 1, 2] + extraDescriptorNumbers.map { Int32($0) }) {
            posix_spawn_file_actions_adddup2(&actions, child, target)
        }
        if !workingDirectory.isEmpty {
            PathBytes.withCString(workingDirectory) { _ = mproxy_spawn_add_chdir(&actions, $0) }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        // The agent ignores SIGPIPE and SIGHUP; ignored dispositions survive exec, so reset them.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [
            SIGPIPE, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM, SIGTSTP, SIGTTIN, SIGTTOU,
        ] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        var pid: pid_t = 0
        let result = PathBytes.withCString(program) { program in
            withCStringArray(arguments) { argv in
                if let environment {
                    return withCStringArray(environment) { envp in
                        posix_spawn(&pid, program, &actions, &attributes, argv, envp)
                    }
                }
                return posix_spawn(&pid, program, &actions, &attributes, argv, environ)
            }
        }
        guard result == 0 else {
            pipes.closeAgentEnds()
            return .failure(ExecError(.spawnFailed, "fork/exec \(program): \(errnoText(result))"))
        }
        return .success(
            ChildProcess(
                pid: pid,
                standardInput: standardInput,
                standardOutput: standardOutput,
                standardError: standardError,
                extraDescriptors: extra
            ))
    }
}

/// Go's text for an errno: the C library's message with a lower-case first letter.
func errnoText(_ code: Int32) -> String {
    let text = String(cString: strerror(code))
    guard let first = text.first else { return text }
    return first.lowercased() + text.dropFirst()
}

/// Calls `body` with a NULL-terminated array of C strings that lives for the call. Words that are
/// not UTF-8 arrive escaped (``PathBytes``); the program gets their raw bytes.
func withCStringArray<Result>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Result)
    -> Result
{
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { string in
        let bytes = PathBytes.bytes(of: string)
        let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
        for (index, byte) in bytes.enumerated() { pointer[index] = CChar(bitPattern: byte) }
        pointer[bytes.count] = 0
        return pointer
    }
    pointers.append(nil)
    defer { for pointer in pointers { pointer?.deallocate() } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
