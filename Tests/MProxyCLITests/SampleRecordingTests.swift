import AgentProto
import Foundation
import Testing

/// The sample sessions in `Recordings/`, made with `mproxy exec --record` against a real sshd:
/// each verifies, and replays to exactly the bytes it recorded.
@Suite("Sample recordings", .timeLimit(.minutes(1)))
struct SampleRecordingTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Recordings")

    /// What a sample shows: its name, the exit code it recorded, and a piece of its output.
    static let samples: [(name: String, exitCode: Int, excerpt: String)] = [
        ("make-build", 0, "hello, mproxy (6 letters)\n"),
        ("failing-command", 2, "No such file or directory"),
        ("signalled-command", 143, "tick 1\n"),
        ("binary-stream", 0, ""),
    ]

    /// Every stdout and stderr byte the agent sent, and the recorded exit code.
    static func recorded(_ path: String) throws -> (stdout: [UInt8], stderr: [UInt8], exitCode: Int?) {
        let reader = try RecordingReader(path: path)
        defer { reader.close() }
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        var exitCode: Int?
        while let entry = try reader.next() {
            if let end = entry.record.commandEnd { exitCode = end.exitCode }
            guard let recorded = entry.record.frame, recorded.direction == .receive, recorded.frame.type == .data else {
                continue
            }
            if recorded.frame.stream == 1 { stdout += recorded.frame.data }
            if recorded.frame.stream == 2 { stderr += recorded.frame.data }
        }
        return (stdout, stderr, exitCode)
    }

    @Test("every sample is listed in Recordings/README.md with the command that made it")
    func listed() throws {
        let readme = try String(contentsOf: Self.directory.appendingPathComponent("README.md"), encoding: .utf8)
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter {
            $0.hasSuffix(".cbor")
        }
        #expect(Set(files) == Set(Self.samples.map { $0.name + ".cbor" }))
        for sample in Self.samples {
            #expect(readme.contains("--record Recordings/\(sample.name).cbor"), "\(sample.name)")
        }
    }

    @Test("replay --verify accepts the sample", arguments: samples.map(\.name))
    func verifies(name: String) throws {
        let path = Self.directory.appendingPathComponent(name + ".cbor").path
        let result = try MProxyProcess.run(["replay", "--verify", path])
        #expect(result.status == 0, "\(result.errorText)")
        #expect(result.outputText.contains("footer present"), "\(result.outputText)")
    }

    @Test("replay --speed max writes exactly the recorded stdout and stderr", arguments: samples.map(\.name))
    func replaysRecordedBytes(name: String) throws {
        let path = Self.directory.appendingPathComponent(name + ".cbor").path
        let sample = try #require(Self.samples.first { $0.name == name })
        let recorded = try Self.recorded(path)
        #expect(recorded.exitCode == sample.exitCode)
        let replayed = try MProxyProcess.run(["replay", "--speed", "max", path])
        #expect(replayed.status == 0)
        #expect(replayed.standardOutput == recorded.stdout)
        #expect(replayed.standardError == recorded.stderr)
        let text = String(decoding: recorded.stdout + recorded.stderr, as: UTF8.self)
        if !sample.excerpt.isEmpty { #expect(text.contains(sample.excerpt)) }
        if name == "binary-stream" { #expect(recorded.stdout.count == 300_000) }
    }
}
