import AgentProto
import Foundation
import Testing

/// The Recorder writes the Go record stream, keeps the file private, surfaces and keeps write
/// errors, and leaves a file readable at every command's end.
@Suite("Recorder")
struct RecorderTests {
    static let header = SessionHeader(
        version: "0.1.0", localUser: "alice", localPID: 4242, backendType: "ssh", backendAddress: "build-host:22",
        agentPath: "~/.cache/mproxy/agent/mproxy-agent")
    static let echo = ExecRequest(
        path: "/bin/echo", arguments: ["echo", "hello"], environment: ["LANG=C"], workingDirectory: "/tmp")

    @Test("the Go round trip: header, start 0, send, receive, end 0, start 1, end 1, footer with count 2")
    func goRoundTrip() throws {
        let path = RecordingTestSupport.temporaryPath()
        let recorder = try Recorder(path: path, header: Self.header, clock: RecordingTestSupport.steppingClock())
        let first = try recorder.startCommand(Self.echo)
        try first.observe(.data(stream: 0, Array("input".utf8)), direction: .send)
        try first.observe(.data(stream: 1, Array("hello\n".utf8)), direction: .receive)
        try first.finish(exitCode: 0)
        let second = try recorder.startCommand(ExecRequest(path: "/bin/true", arguments: ["true"]))
        try second.finish(exitCode: 0)
        try recorder.close()

        let records = try RecordingTestSupport.readAll(path).map(\.record)
        #expect(
            records.map(\.type) == [
                .sessionHeader, .commandStart, .frame, .frame, .commandEnd, .commandStart, .commandEnd, .sessionFooter,
            ])
        #expect(records[0].header?.localUser == "alice")
        #expect(records[0].header?.startTime == 1_747_742_400_000_000_000)
        #expect(records[1].commandStart?.sequence == 0)
        #expect(records[1].commandStart?.exec == Self.echo)
        #expect(records[2].frame?.direction == .send)
        #expect(records[2].frame?.frame == .data(stream: 0, Array("input".utf8)))
        #expect(records[3].frame?.direction == .receive)
        #expect(records[3].frame?.frame.data == Array("hello\n".utf8))
        #expect(records[4].commandEnd?.sequence == 0)
        #expect(records[5].commandStart?.sequence == 1)
        #expect(records[6].commandEnd?.sequence == 1)
        #expect(records[7].footer?.commandCount == 2)
        let times = records.compactMap(\.timestamp)
        #expect(times == times.sorted())
    }

    @Test("closing right after the header gives header and footer")
    func headerAndFooterOnly() throws {
        let path = RecordingTestSupport.temporaryPath()
        let recorder = try Recorder(path: path, header: Self.header)
        try recorder.close()
        try recorder.close()
        let records = try RecordingTestSupport.readAll(path).map(\.record)
        #expect(records.map(\.type) == [.sessionHeader, .sessionFooter])
        #expect(records[1].footer?.commandCount == 0)
    }

    @Test("the file is created with mode 0600, replacing an existing file")
    func filePermissions() throws {
        let path = RecordingTestSupport.temporaryPath()
        _ = FileManager.default.createFile(atPath: path, contents: Data(repeating: 0x41, count: 1000))
        let recorder = try Recorder(path: path, header: Self.header)
        try recorder.close()
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try RecordingTestSupport.readAll(path).count == 2)
    }

    @Test("a missing directory is an openFailed error that names the path")
    func openFailure() {
        let error = #expect(throws: RecordingError.self) {
            _ = try Recorder(path: "/nonexistent-directory/session.cbor", header: Self.header)
        }
        #expect(error?.code == .openFailed)
        #expect(error?.description.contains("/nonexistent-directory/session.cbor") == true)
    }

    @Test("a write error is thrown, and every later call throws it again")
    func stickyWriteError() throws {
        let path = RecordingTestSupport.temporaryPath()
        let recorder = try Recorder(path: path, header: Self.header, bufferCapacity: 16)
        // Swap the recorder's descriptor for /dev/full, where every write fails with ENOSPC.
        let descriptor = try Self.descriptor(openOn: path)
        let full = open("/dev/full", O_WRONLY)
        #expect(dup2(full, descriptor) == descriptor)
        close(full)

        let startError = #expect(throws: RecordingError.self) { _ = try recorder.startCommand(Self.echo) }
        #expect(startError?.code == .writeFailed)
        #expect(startError?.systemErrorNumber == ENOSPC)
        #expect(throws: RecordingError.self) { try recorder.flush() }
        #expect(throws: RecordingError.self) { _ = try recorder.startCommand(Self.echo) }
        let closeError = #expect(throws: RecordingError.self) { try recorder.close() }
        #expect(closeError?.code == .writeFailed)
    }

    @Test("frames go out when the bounded buffer fills, and everything is on disk at the command's end")
    func boundedBufferAndFlushAtCommandEnd() throws {
        let path = RecordingTestSupport.temporaryPath()
        let capacity = 8 << 10
        let recorder = try Recorder(path: path, header: Self.header, bufferCapacity: capacity)
        let command = try recorder.startCommand(Self.echo)
        let chunk = [UInt8](repeating: 0x61, count: 1000)
        var total = 0
        for _ in 0..<200 {
            let frame = Frame.data(stream: 1, chunk)
            try command.observe(frame, direction: .receive)
            total += frame.encodedSize
        }
        let sizeBefore = try Self.fileSize(path)
        #expect(sizeBefore >= total - capacity)
        try command.finish(exitCode: 0)

        // Not closed: a reader sees every record so far and no footer, then more once they arrive.
        let reader = try RecordingReader(path: path)
        var types: [RecordType] = []
        while let entry = try reader.next() { types.append(entry.record.type) }
        #expect(types.count == 1 + 1 + 200 + 1)
        #expect(types.last == .commandEnd)
        #expect(!reader.sawFooter)
        let index = try RecordingIndex.build(path: path)
        guard case .noFooter(let end) = index.tail else {
            Issue.record("expected a file without footer, got \(index.tail)")
            return
        }
        #expect(end == (try Self.fileSize(path)))

        try recorder.close()
        #expect(try reader.next()?.record.type == .sessionFooter)
        #expect(try reader.next() == nil)
        #expect(reader.sawFooter)
    }

    @Test("commands still running at close get an end with exit code -1 before the footer")
    func closeEndsRunningCommands() throws {
        let path = RecordingTestSupport.temporaryPath()
        let recorder = try Recorder(path: path, header: Self.header)
        let command = try recorder.startCommand(Self.echo)
        try recorder.close()
        let records = try RecordingTestSupport.readAll(path).map(\.record)
        #expect(records.map(\.type) == [.sessionHeader, .commandStart, .commandEnd, .sessionFooter])
        #expect(records[2].commandEnd?.exitCode == -1)
        #expect(throws: RecordingError.self) { try command.observe(.eof(stream: 1), direction: .receive) }
    }

    @Test("finishing a command twice is refused")
    func finishTwice() throws {
        let recorder = try Recorder(path: RecordingTestSupport.temporaryPath(), header: Self.header)
        let command = try recorder.startCommand(Self.echo)
        try command.finish(exitCode: 0)
        let error = #expect(throws: RecordingError.self) { try command.finish(exitCode: 0) }
        #expect(error?.code == .commandFinished)
    }

    @Test("concurrent commands interleave in one file, each complete and in order", .timeLimit(.minutes(1)))
    func concurrentCommands() throws {
        let path = RecordingTestSupport.temporaryPath()
        let recorder = try Recorder(path: path, header: Self.header, bufferCapacity: 4096)
        let commandCount = 6
        let framesPerCommand = 300
        let failures = LockedCounter()
        DispatchQueue.concurrentPerform(iterations: commandCount) { worker in
            do {
                let command = try recorder.startCommand(
                    ExecRequest(path: "/bin/worker", arguments: ["worker", "\(worker)"]))
                for index in 0..<framesPerCommand {
                    let direction: FrameDirection = index.isMultiple(of: 2) ? .send : .receive
                    try command.observe(.data(stream: 1, Array("\(worker):\(index)".utf8)), direction: direction)
                }
                try command.finish(exitCode: worker)
            } catch {
                _ = failures.next()
            }
        }
        #expect(failures.next() == 0)
        try recorder.close()

        let entries = try RecordingTestSupport.readAll(path)
        var verifier = RecordingVerifier()
        for entry in entries { try verifier.check(entry) }
        try verifier.finish(endOffset: entries.last.map { $0.offset + $0.length } ?? 0)

        var argumentBySequence: [UInt32: String] = [:]
        var payloads: [UInt32: [String]] = [:]
        for record in entries.map(\.record) {
            if let start = record.commandStart { argumentBySequence[start.sequence] = start.exec.arguments?.last }
            if let frame = record.frame {
                payloads[frame.sequence, default: []].append(String(decoding: frame.frame.data, as: UTF8.self))
            }
        }
        #expect(Set(argumentBySequence.keys) == Set((0..<UInt32(commandCount))))
        for (sequence, worker) in argumentBySequence {
            #expect(payloads[sequence] == (0..<framesPerCommand).map { "\(worker):\($0)" })
        }
        let times = entries.compactMap(\.timestamp)
        #expect(times == times.sorted())
        #expect(entries.last?.record.footer?.commandCount == UInt32(commandCount))
    }

    static func fileSize(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? -1
    }

    /// The descriptor this process has open on `path`, found through /proc/self/fd.
    static func descriptor(openOn path: String) throws -> Int32 {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        for name in try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(name)"),
                target == resolved || target == path, let descriptor = Int32(name)
            {
                return descriptor
            }
        }
        throw RecordingError(.openFailed, "no descriptor open on the file", path: path)
    }
}
