import AgentProto
import Foundation

/// Writes recordings with chosen timestamps through the real ``Recorder``.
final class RecordingBuilder: @unchecked Sendable {
    /// The session's start, Unix nanoseconds (2025-05-20T12:00:00Z).
    static let start: Int64 = 1_747_742_400_000_000_000

    let path: String
    private let lock = NSLock()
    private var now: Int64 = RecordingBuilder.start
    private var recorder: Recorder!
    private var commands: [UInt32: CommandRecording] = [:]

    init(name: String = "session.cbor") throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mproxy-cli-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent(name).path
        recorder = try Recorder(
            path: path,
            header: SessionHeader(
                version: "0.1.0-test", startTime: Self.start, localUser: "tester", localPID: 99, backendType: "local",
                agentPath: "/usr/libexec/mproxy-agent"),
            clock: { [unowned self] in self.time })
    }

    private var time: Int64 {
        lock.lock()
        defer { lock.unlock() }
        return now
    }

    /// Moves the clock to `seconds` after the session's start.
    func at(_ seconds: Double) -> RecordingBuilder {
        lock.lock()
        now = Self.start + Int64(seconds * 1e9)
        lock.unlock()
        return self
    }

    @discardableResult
    func start(_ arguments: [String], cwd: String = "/work") throws -> UInt32 {
        let command = try recorder.startCommand(
            ExecRequest(path: arguments[0], arguments: arguments, environment: ["LANG=C"], workingDirectory: cwd))
        commands[command.sequence] = command
        return command.sequence
    }

    func output(_ sequence: UInt32, stream: UInt32 = 1, _ bytes: [UInt8]) throws {
        try commands[sequence]?.observe(.data(stream: stream, bytes), direction: .receive)
    }

    func output(_ sequence: UInt32, stream: UInt32 = 1, _ text: String) throws {
        try output(sequence, stream: stream, Array(text.utf8))
    }

    func input(_ sequence: UInt32, _ text: String) throws {
        try commands[sequence]?.observe(.data(stream: 0, Array(text.utf8)), direction: .send)
    }

    func end(_ sequence: UInt32, exitCode: Int = 0) throws {
        try commands[sequence]?.observe(.exit(code: exitCode), direction: .receive)
        try commands[sequence]?.finish(exitCode: exitCode)
    }

    func close() throws {
        try recorder.close()
    }

    /// Flushes without a footer, as a crashed or still-running recorder leaves the file.
    func flushWithoutFooter() throws {
        try recorder.flush()
    }
}
