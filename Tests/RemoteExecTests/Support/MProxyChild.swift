import CSystemExtras
import Foundation
import Synchronization

@testable import RemoteExec

#if canImport(Glibc)
    import Glibc
#endif

/// The `mproxy` binary this test bundle was built with, run as a child the test can watch while it
/// runs: its output so far, signals sent to it, and how it ended.
final class MProxyChild: Sendable {
    /// What a finished run left.
    struct Result: Sendable {
        /// The exit status, or 128 + N when signal N ended `mproxy` itself.
        var status: Int32
        var standardOutput: [UInt8]
        var standardError: [UInt8]
        var outputText: String { String(decoding: standardOutput, as: UTF8.self) }
        /// Standard error without the warning a debug (dynamically linked) agent causes.
        var errorText: String {
            String(decoding: standardError, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.hasPrefix("mproxy: warning:") }.joined(separator: "\n")
        }
    }

    /// Where standard input comes from.
    enum Input: Sendable {
        /// /dev/null.
        case none
        /// A file, opened for reading.
        case file(String)
        /// A pipe ``write(_:)`` and ``closeInput()`` feed.
        case pipe
    }

    /// The binary: next to the test bundle in the build products directory.
    static let executable: String = {
        var directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        while !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("mproxy").path),
            directory.path != "/"
        {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("mproxy").path
    }()

    /// The agent SwiftPM built next to `mproxy` (what `mproxy` uploads unless told otherwise).
    static var builtAgent: String {
        URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("mproxy-agent").path
    }

    /// Writes `mproxy-agent.sha256` beside the built agent, as `scripts/build-agent` does: without
    /// it every debug `mproxy` would hash the agent itself (seconds each, with many at once).
    private static let agentHashRecorded: Void = {
        let agent = builtAgent
        guard let result = try? LocalProcess.run("/usr/bin/sha256sum", arguments: [agent]), result.status == 0 else {
            return
        }
        let hash = String(decoding: result.standardOutput.prefix(64), as: UTF8.self)
        let temporary = agent + ".sha256.\(getpid())"
        try? "\(hash)  mproxy-agent\n".write(toFile: temporary, atomically: false, encoding: .utf8)
        rename(temporary, agent + ".sha256")
    }()

    let pid: pid_t
    private let inputDescriptor: Int32
    private let output = Mutex<[UInt8]>([])
    private let errors = Mutex<[UInt8]>([])
    private let readers = Mutex(0)
    private let outcome = Mutex<Int32?>(nil)

    /// Starts `mproxy arguments...` with `environment` added to ours.
    init(_ arguments: [String], environment: [String: String] = [:], input: Input = .none) throws {
        Self.agentHashRecorded
        var outputPipe: [Int32] = [-1, -1]
        var errorPipe: [Int32] = [-1, -1]
        var inputPipe: [Int32] = [-1, -1]
        guard pipe(&outputPipe) == 0, pipe(&errorPipe) == 0, pipe(&inputPipe) == 0 else {
            throw FixtureError("pipe() failed")
        }
        for descriptor in outputPipe + errorPipe + inputPipe { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        switch input {
        case .none: posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        case .file(let path): posix_spawn_file_actions_addopen(&actions, 0, path, O_RDONLY, 0)
        case .pipe: posix_spawn_file_actions_adddup2(&actions, inputPipe[0], 0)
        }
        posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorPipe[1], 2)
        _ = mproxy_spawn_add_close_from(&actions, 3)
        // A fresh signal mask and default dispositions: the test runner's must not leak into mproxy.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        var empty = sigset_t()
        sigfillset(&defaults)
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var variables = ProcessInfo.processInfo.environment
        for (name, value) in environment { variables[name] = value }
        let argv = ([Self.executable] + arguments).map { strdup($0) } + [nil]
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, Self.executable, &actions, &attributes, argv, envp)
        close(outputPipe[1])
        close(errorPipe[1])
        close(inputPipe[0])
        guard result == 0 else {
            close(outputPipe[0])
            close(errorPipe[0])
            close(inputPipe[1])
            throw FixtureError("could not start \(Self.executable): error \(result)")
        }
        self.pid = pid
        if case .pipe = input {
            inputDescriptor = inputPipe[1]
        } else {
            close(inputPipe[1])
            inputDescriptor = -1
        }
        startReading(outputPipe[0], isStandardError: false)
        startReading(errorPipe[0], isStandardError: true)
    }

    private func startReading(_ descriptor: Int32, isStandardError: Bool) {
        readers.withLock { $0 += 1 }
        Thread { [self] in
            var chunk = [UInt8](repeating: 0, count: 64 << 10)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                let bytes = chunk[0..<count]
                if isStandardError {
                    errors.withLock { $0 += bytes }
                } else {
                    output.withLock { $0 += bytes }
                }
            }
            close(descriptor)
            readers.withLock { $0 -= 1 }
        }.start()
    }

    /// Writes to standard input (``Input/pipe`` only).
    func write(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(inputDescriptor, $0.baseAddress, $0.count) }
    }

    /// Ends standard input.
    func closeInput() {
        if inputDescriptor >= 0 { close(inputDescriptor) }
    }

    /// Sends `signal` to `mproxy`.
    func send(signal: Int32) {
        kill(pid, signal)
    }

    /// Standard output so far, as text.
    var outputSoFar: String { String(decoding: output.withLock { $0 }, as: UTF8.self) }

    /// Waits until standard output holds `count` lines (or mproxy ended) and returns them.
    func lines(_ count: Int, within seconds: Double = 20) -> [String] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let lines = outputSoFar.split(separator: "\n").map(String.init)
            if lines.count >= count || hasExited { return lines }
            usleep(5_000)
        }
        return outputSoFar.split(separator: "\n").map(String.init)
    }

    private var hasExited: Bool {
        if outcome.withLock({ $0 }) != nil { return true }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return false }
        record(status)
        return true
    }

    private func record(_ status: Int32) {
        let signal = status & 0x7f
        outcome.withLock { $0 = signal == 0 ? (status >> 8) & 0xff : 128 + signal }
    }

    /// Waits for `mproxy` to end and its output to be read (SIGKILLs it after `seconds`).
    func wait(seconds: Double = 60) -> Result {
        let deadline = Date().addingTimeInterval(seconds)
        while !hasExited {
            if Date() > deadline { kill(pid, SIGKILL) }
            usleep(2_000)
        }
        while readers.withLock({ $0 }) > 0 { usleep(1_000) }
        return Result(
            status: outcome.withLock { $0 } ?? -1, standardOutput: output.withLock { $0 },
            standardError: errors.withLock { $0 })
    }

    /// Runs `mproxy arguments...` to completion on a thread of its own.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], input: Input = .none
    ) async throws -> Result {
        try await onDedicatedThread {
            try MProxyChild(arguments, environment: environment, input: input).wait()
        }
    }
}

/// Whether process `pid` is gone (ESRCH) within a few seconds: polls, so the outcome is asserted,
/// not the time it took.
func processVanishes(_ pid: pid_t, within seconds: Double = 5) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if kill(pid, 0) != 0 && errno == ESRCH { return true }
        // A zombie still answers kill(0): count it as gone once it has exited.
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")"), stat[stat.index(close, offsetBy: 2)] == "Z"
        {
            return true
        }
        usleep(10_000)
    }
    return false
}
