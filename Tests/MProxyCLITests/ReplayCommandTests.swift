import AgentProto
import Foundation
import Testing

/// `mproxy replay` run as a user runs it: output bytes, timing, selection, list, JSON, verify.
@Suite("mproxy replay", .timeLimit(.minutes(1)))
struct ReplayCommandTests {
    /// Two commands with binary output on both streams, some input, a failing exit.
    static func twoCommands() throws -> (builder: RecordingBuilder, stdout: [UInt8], stderr: [UInt8]) {
        let builder = try RecordingBuilder()
        var generator = SystemRandomNumberGenerator()
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        let first = try builder.at(0).start(["cat", "file with spaces.txt"])
        try builder.at(0.1).input(first, "typed input\n")
        for index in 0..<40 {
            let bytes = (0..<Int.random(in: 1...32768, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
            let stream: UInt32 = index % 3 == 2 ? 2 : 1
            try builder.at(0.2 + Double(index) * 0.01).output(first, stream: stream, bytes)
            if stream == 1 { stdout += bytes } else { stderr += bytes }
        }
        try builder.at(1).end(first, exitCode: 0)
        let second = try builder.at(10).start(["sh", "-c", "echo done; exit 3"], cwd: "/tmp")
        try builder.at(10.5).output(second, "done\n")
        stdout += Array("done\n".utf8)
        try builder.at(11).end(second, exitCode: 3)
        try builder.at(12).close()
        return (builder, stdout, stderr)
    }

    @Test("--speed max writes exactly the recorded stdout and stderr bytes")
    func speedMaxBytesExact() throws {
        let (builder, stdout, stderr) = try Self.twoCommands()
        let result = try MProxyProcess.run(["replay", "--speed", "max", builder.path])
        #expect(result.status == 0)
        #expect(result.standardOutput == stdout)
        #expect(result.standardError == stderr)
    }

    @Test("--stdin also shows what was sent to the command")
    func showsInput() throws {
        let (builder, stdout, _) = try Self.twoCommands()
        let result = try MProxyProcess.run(["replay", "--speed", "max", "--stdin", builder.path])
        #expect(result.standardOutput == Array("typed input\n".utf8) + stdout)
    }

    @Test("a file the Go recorder wrote plays like ours, lists and verifies")
    func goRecording() throws {
        let path = try Self.goldenRecordingPath()
        let played = try MProxyProcess.run(["replay", "--speed", "max", path])
        #expect(played.status == 0)
        #expect(played.outputText == "hello\nin\n")
        #expect(played.errorText == "oops\n")
        let verified = try MProxyProcess.run(["replay", "--verify", path])
        #expect(verified.status == 0)
        #expect(verified.outputText.contains("ok: 20 records, 2 commands"))
        let listed = try MProxyProcess.run(["replay", "--list", path])
        #expect(listed.outputText.contains("user alice (pid 4242), backend ssh build-host:22"))
        #expect(listed.outputText.contains("sh -c 'cat; echo oops >&2; exit 3'"))
    }

    @Test("a normal-speed replay keeps the recorded timing within 5 %")
    func timingWithinFivePercent() throws {
        let builder = try RecordingBuilder()
        let command = try builder.at(0).start(["clock"])
        for tick in 0...5 {
            try builder.at(Double(tick) * 0.4).output(command, "tick \(tick)\n")
        }
        try builder.at(2.1).end(command)
        try builder.close()
        let chunks = try MProxyProcess.runTimed(["replay", builder.path])
        #expect(chunks.flatMap(\.bytes) == Array((0...5).map { "tick \($0)\n" }.joined().utf8))
        let elapsed = (chunks.last?.time ?? 0) - (chunks.first?.time ?? 0)
        #expect(abs(elapsed - 2.0) <= 0.1, "played 2.0 s of output in \(elapsed) s")
    }

    @Test("--speed and --idle-limit shorten the waits")
    func speedAndIdleLimit() throws {
        let builder = try RecordingBuilder()
        let command = try builder.at(0).start(["slow"])
        try builder.at(0).output(command, "a")
        try builder.at(1).output(command, "b")
        try builder.at(31).output(command, "c")
        try builder.at(32).end(command)
        try builder.close()
        let chunks = try MProxyProcess.runTimed(["replay", "--speed", "4", "--idle-limit", "2", builder.path])
        #expect(chunks.flatMap(\.bytes) == Array("abc".utf8))
        // 1 s at 4x, then the 30 s gap cut to 2 s at 4x: 0.75 s in all.
        let elapsed = (chunks.last?.time ?? 0) - (chunks.first?.time ?? 0)
        #expect(abs(elapsed - 0.75) <= 0.1, "took \(elapsed) s")
    }

    /// Outputs "a" at 0 s, "b" at 10 s, "c" at 20 s, "d" at 30 s.
    static func fourOutputs() throws -> RecordingBuilder {
        let builder = try RecordingBuilder()
        let command = try builder.at(0).start(["letters"])
        for (index, letter) in ["a", "b", "c", "d"].enumerated() {
            try builder.at(Double(index) * 10).output(command, letter)
        }
        try builder.at(31).end(command)
        try builder.close()
        return builder
    }

    @Test(
        "--from and --to pick a time window, as offsets or absolute times",
        arguments: [
            (["--from", "10s", "--to", "20s"], "bc"),
            (["--from", "15"], "cd"),
            (["--to", "0:05"], "a"),
            (["--from", "1m", "--to", "2m"], ""),
            (["--from", "2025-05-20T12:00:20Z"], "cd"),
            (["--from", "@1747742410", "--to", "2025-05-20 12:00:10.5"], "b"),
        ])
    func timeWindow(options: [String], expected: String) throws {
        let builder = try Self.fourOutputs()
        let result = try MProxyProcess.run(["replay", "--speed", "max"] + options + [builder.path])
        #expect(result.status == 0)
        #expect(result.outputText == expected)
    }

    @Test("--command and --grep pick commands")
    func commandSelection() throws {
        let (builder, _, _) = try Self.twoCommands()
        let second = try MProxyProcess.run(["replay", "--speed", "max", "--command", "1", builder.path])
        #expect(second.outputText == "done\n")
        #expect(second.standardError.isEmpty)
        let grepped = try MProxyProcess.run(["replay", "--speed", "max", "--grep", "echo d.ne", builder.path])
        #expect(grepped.outputText == "done\n")
        let none = try MProxyProcess.run(["replay", "--speed", "max", "--grep", "nothing-matches", builder.path])
        #expect(none.standardOutput.isEmpty)
        let missing = try MProxyProcess.run(["replay", "--command", "7", builder.path])
        #expect(missing.status != 0)
        #expect(missing.errorText.contains("no command 7"))
    }

    @Test("--list and --grep show an argv word that is not UTF-8 quoted as ls shows such names")
    func listsWordsThatAreNotUTF8() throws {
        let builder = try RecordingBuilder()
        let odd = PathBytes.string(from: Array("caf".utf8) + [0xE9])
        try builder.at(0).end(try builder.start(["touch", odd, "plain name"]))
        try builder.close()
        let listed = try MProxyProcess.run(["replay", "--list", builder.path])
        #expect(listed.status == 0)
        #expect(listed.outputText.contains("touch 'caf'$'\\351' 'plain name'\n"), "\(listed.outputText)")
        let grepped = try MProxyProcess.run(["replay", "--speed", "max", "--grep", "plain", builder.path])
        #expect(grepped.status == 0)
    }

    @Test("--list shows the header and one row per command")
    func list() throws {
        let (builder, stdout, stderr) = try Self.twoCommands()
        let result = try MProxyProcess.run(["replay", "--list", builder.path])
        #expect(result.status == 0)
        let lines = result.outputText.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains("user tester (pid 99), backend local") && $0.contains("0.1.0-test") })
        #expect(
            lines.contains {
                $0.hasPrefix("started:   2025-05-20T12:00:00.000Z, ended 2025-05-20T12:00:12.000Z (12.000s)")
            })
        let rows = lines.drop { !$0.hasPrefix("SEQ") }.dropFirst().map {
            $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        }
        #expect(rows.count == 2)
        #expect(
            rows[0].prefix(7) == [
                "0", "2025-05-20T12:00:00.000Z", "1.000s", "0", "12", String(stdout.count - 5 + stderr.count), "/work",
            ])
        #expect(lines.contains { $0.hasSuffix("/work  cat 'file with spaces.txt'") })
        #expect(lines.last?.hasSuffix("/tmp   sh -c 'echo done; exit 3'") == true)
        #expect(rows[1].prefix(7) == ["1", "2025-05-20T12:00:10.000Z", "1.000s", "3", "0", "5", "/tmp"])
    }

    @Test("--json prints every record, frames flattened with seq, dir and ts")
    func json() throws {
        let (builder, _, _) = try Self.twoCommands()
        let result = try MProxyProcess.run(["replay", "--json", builder.path])
        #expect(result.status == 0)
        let lines = result.outputText.split(separator: "\n")
        let entries = try RecordingTestReader.entries(builder.path)
        #expect(lines.count == entries.count)
        let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
        #expect(objects.first?["type"] as? Int == 1)
        #expect(objects.last?["type"] as? Int == 5)
        let input = objects.first { $0["dir"] as? Int == 1 && $0["t"] as? Int == 2 }
        #expect(input?["seq"] as? Int == 0)
        #expect(input?["ts"] as? Int == Int(RecordingBuilder.start + 100_000_000))
        #expect((input?["d"] as? [String: String])?["$hex"] == Hex.encode(Array("typed input\n".utf8)))
    }

    @Test("--verify passes a whole file and names the offset of the first problem in a damaged one")
    func verify() throws {
        let (builder, _, _) = try Self.twoCommands()
        #expect(try MProxyProcess.run(["replay", "--verify", builder.path]).status == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: builder.path))
        let entries = try RecordingTestReader.entries(builder.path)
        let cutAt = entries[5].offset + 3
        let cutPath = builder.path + ".cut"
        try bytes.prefix(cutAt).write(to: URL(fileURLWithPath: cutPath))
        let cut = try MProxyProcess.run(["replay", "--verify", cutPath])
        #expect(cut.status == 1)
        #expect(cut.errorText.contains("at byte offset \(entries[5].offset)"))
        let footerless = builder.path + ".nofooter"
        try bytes.prefix(entries.last!.offset).write(to: URL(fileURLWithPath: footerless))
        let noFooter = try MProxyProcess.run(["replay", "--verify", footerless])
        #expect(noFooter.status == 1)
        #expect(noFooter.errorText.contains("no session footer"))
    }

    @Test("a file without footer plays everything it has, then says it was cut short")
    func cutShort() throws {
        let builder = try RecordingBuilder()
        let command = try builder.at(0).start(["still", "running"])
        try builder.at(0.01).output(command, "partial output\n")
        try builder.flushWithoutFooter()
        let result = try MProxyProcess.run(["replay", "--speed", "max", builder.path])
        #expect(result.status == 0)
        #expect(result.outputText == "partial output\n")
        #expect(result.errorText.contains("cut short at byte offset"))
        #expect(result.errorText.contains("no footer"))
    }

    static func goldenRecordingPath() throws -> String {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("AgentProtoTests/Fixtures/agentproto-golden.jsonl")
        let text = try String(contentsOf: fixture, encoding: .utf8)
        guard let line = text.split(separator: "\n").first(where: { $0.contains("\"kind\":\"recording\"") }),
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let hex = object["hex"] as? String, let bytes = Hex.decode(hex)
        else { throw CocoaError(.fileReadCorruptFile) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "go-recording-\(UUID().uuidString).cbor")
        try Data(bytes).write(to: path)
        return path.path
    }
}

/// Reads a recording's entries for comparison.
enum RecordingTestReader {
    static func entries(_ path: String) throws -> [RecordingEntry] {
        let reader = try RecordingReader(path: path)
        var entries: [RecordingEntry] = []
        while let entry = try reader.next() { entries.append(entry) }
        return entries
    }
}
