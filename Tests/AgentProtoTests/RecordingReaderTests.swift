import AgentProto
import Foundation
import Testing

/// The reader streams any file the Go recorder or ours wrote, reports a cut or corrupt tail with
/// its offset after everything before it, and the index seeks without rereading.
@Suite("Recording reader and index")
struct RecordingReaderTests {
    static let goldenNames = RecordingTestSupport.goldenRecordings.map(\.name)

    @Test("there are 12 record vectors and one whole recording")
    func goldenVectorCount() {
        #expect(RecordingTestSupport.goldenRecordings.count == 13)
    }

    @Test("every golden record vector reads back as documented and re-encodes to its bytes", arguments: goldenNames)
    func goldenVector(name: String) throws {
        guard let vector = RecordingTestSupport.goldenRecordings.first(where: { $0.name == name }) else { return }
        let path = RecordingTestSupport.temporaryPath()
        try Data(vector.bytes).write(to: URL(fileURLWithPath: path))
        for chunkSize in [4096, 7] {
            let entries = try RecordingTestSupport.readAll(path, chunkSize: chunkSize)
            #expect(entries.map { $0.record.jsonLine() } == vector.lines)
            #expect(CBORStreamEncoder.encode(entries.map(\.record)) == vector.bytes)
            #expect(entries.map(\.length).reduce(0, +) == vector.bytes.count)
        }
        let index = try RecordingIndex.build(path: path)
        #expect(index.recordCount == vector.lines.count)
        #expect(index.endOffset == vector.bytes.count)
    }

    @Test("the Go recorder's whole recording verifies and indexes: 2 commands, bytes in and out, footer")
    func goldenRecordingIndex() throws {
        guard let vector = RecordingTestSupport.goldenRecordings.first(where: { $0.name == "recording_full" }) else {
            Issue.record("no recording_full vector")
            return
        }
        let path = RecordingTestSupport.temporaryPath()
        try Data(vector.bytes).write(to: URL(fileURLWithPath: path))
        let index = try RecordingIndex.build(path: path)
        #expect(index.tail.isComplete)
        #expect(index.header?.localUser == "alice")
        #expect(index.commands.map(\.sequence) == [1, 2])
        #expect(index.commands.map(\.bytesReceived) == [6, 8])
        #expect(index.commands.map(\.bytesSent) == [0, 3])
        #expect(index.commands.map { $0.end?.exitCode } == [0, 3])
        #expect(index.command(sequence: 2)?.start.exec.arguments == ["sh", "-c", "cat; echo oops >&2; exit 3"])

        let reader = try RecordingReader(path: path)
        var verifier = RecordingVerifier()
        while let entry = try reader.next() { try verifier.check(entry) }
        try verifier.finish(endOffset: reader.offset)
        #expect(verifier.recordCount == 20)
    }

    /// A small recording of our own: header, two commands, footer.
    static func smallRecording() throws -> (path: String, bytes: [UInt8], boundaries: [Int]) {
        let path = RecordingTestSupport.temporaryPath()
        let recorder = try Recorder(
            path: path, header: SessionHeader(version: "0.1.0", localUser: "bob", backendType: "local"),
            clock: RecordingTestSupport.steppingClock())
        let first = try recorder.startCommand(ExecRequest(path: "/bin/cat", arguments: ["cat"]))
        try first.observe(.data(stream: 0, Array("ping\n".utf8)), direction: .send)
        try first.observe(.data(stream: 1, Array("ping\n".utf8)), direction: .receive)
        try first.observe(.exit(code: 0), direction: .receive)
        try first.finish(exitCode: 0)
        let second = try recorder.startCommand(ExecRequest(path: "/bin/false", arguments: ["false"]))
        try second.observe(.exit(code: 1), direction: .receive)
        try second.finish(exitCode: 1)
        try recorder.close()
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let entries = try RecordingTestSupport.readAll(path)
        return (path, bytes, entries.map(\.offset) + [bytes.count])
    }

    @Test("a file cut at every byte offset yields every whole record, then says where it was cut")
    func truncationAtEveryOffset() throws {
        let (_, bytes, boundaries) = try Self.smallRecording()
        let path = RecordingTestSupport.temporaryPath("cut.cbor")
        for cut in 0...bytes.count {
            try Data(bytes[0..<cut]).write(to: URL(fileURLWithPath: path))
            let whole = boundaries.filter { $0 <= cut }.count - 1
            let reader = try RecordingReader(path: path, chunkSize: 4096)
            var count = 0
            var failure: RecordingError?
            do {
                while try reader.next() != nil { count += 1 }
            } catch {
                failure = error
            }
            #expect(count == max(whole, 0), "cut at \(cut)")
            let lastBoundary = boundaries.last { $0 <= cut } ?? 0
            let index = try RecordingIndex.build(path: path)
            #expect(index.recordCount == count)
            #expect(index.endOffset == lastBoundary)
            if boundaries.contains(cut) {
                #expect(failure == nil, "cut at \(cut)")
                #expect(reader.sawFooter == (cut == bytes.count))
                #expect(index.tail.isComplete == (cut == bytes.count))
            } else {
                #expect(failure?.code == .truncated, "cut at \(cut)")
                #expect(failure?.byteOffset == lastBoundary, "cut at \(cut)")
                guard case .truncated(let error) = index.tail else {
                    Issue.record("cut at \(cut): tail \(index.tail)")
                    continue
                }
                #expect(error.byteOffset == lastBoundary)
            }
        }
    }

    @Test("bytes that are not a record are reported with their offset after the records before them")
    func corruptTail() throws {
        let (_, bytes, boundaries) = try Self.smallRecording()
        let path = RecordingTestSupport.temporaryPath("corrupt.cbor")
        let badOffset = boundaries[3]
        try Data(Array(bytes[0..<badOffset]) + [0xff, 0x00, 0x00]).write(to: URL(fileURLWithPath: path))
        let reader = try RecordingReader(path: path)
        var count = 0
        let error = #expect(throws: RecordingError.self) {
            while try reader.next() != nil { count += 1 }
        }
        #expect(count == 3)
        #expect(error?.code == .corrupt)
        #expect(error?.byteOffset == badOffset)
        let index = try RecordingIndex.build(path: path)
        guard case .corrupt(let indexError) = index.tail else {
            Issue.record("tail \(index.tail)")
            return
        }
        #expect(indexError.byteOffset == badOffset)
    }

    @Test("seek points let a reader start at any time without rereading the file")
    func seekByTime() throws {
        let path = RecordingTestSupport.temporaryPath()
        let step: Int64 = 10_000_000  // 10 ms per clock reading: 1000 frames span about 10 s
        let start: Int64 = 1_700_000_000_000_000_000
        let recorder = try Recorder(
            path: path, header: SessionHeader(version: "0.1.0"),
            clock: RecordingTestSupport.steppingClock(start: start, step: step))
        let command = try recorder.startCommand(ExecRequest(path: "/bin/yes", arguments: ["yes"]))
        for index in 0..<1000 {
            try command.observe(.data(stream: 1, Array("line \(index)\n".utf8)), direction: .receive)
        }
        try command.finish(exitCode: 0)
        try recorder.close()

        let index = try RecordingIndex.build(path: path, seekInterval: 1_000_000_000, recordInterval: 4096)
        #expect(index.seekPoints.count >= 10)
        #expect(index.seekPoints.map(\.timestamp) == index.seekPoints.map(\.timestamp).sorted())
        let reader = try RecordingReader(path: path)
        for seconds in [0, 2.5, 7, 9.9] {
            let target = start + Int64(seconds * 1e9)
            guard let point = index.seekPoint(atOrBefore: target) else {
                Issue.record("no seek point")
                continue
            }
            #expect(point.timestamp <= target || point == index.seekPoints.first)
            // The point is a record boundary with the time it claims, and no more than a second early.
            try reader.seek(to: point.offset)
            let entry = try #require(try reader.next())
            #expect(entry.offset == point.offset)
            #expect(entry.timestamp == point.timestamp)
            #expect(target - point.timestamp <= 1_000_000_000 + step)
        }
    }

    @Test("the verifier names the first problem and its offset", arguments: RecordingProblemCase.all)
    func verifierFindsProblems(problem: RecordingProblemCase) throws {
        var verifier = RecordingVerifier()
        var offset = 0
        var failure: RecordingError?
        do {
            for record in problem.records {
                try verifier.check(RecordingEntry(record: record, offset: offset, length: 1))
                offset += 1
            }
            try verifier.finish(endOffset: offset)
        } catch {
            failure = error
        }
        #expect(failure?.code == .inconsistent)
        #expect(failure?.byteOffset == problem.expectedOffset)
    }
}

/// A broken record sequence and where the verifier must stop.
struct RecordingProblemCase: CustomTestStringConvertible, Sendable {
    var name: String
    var records: [Record]
    var expectedOffset: Int
    var testDescription: String { name }

    static let header = Record.header(SessionHeader(version: "1", startTime: 100))
    static func start(_ sequence: UInt32, at time: Int64 = 200) -> Record {
        .commandStart(CommandStart(sequence: sequence, startTime: time))
    }
    static func frame(_ sequence: UInt32, at time: Int64 = 300) -> Record {
        .frame(RecordedFrame(sequence: sequence, timestamp: time, direction: .receive, frame: .eof(stream: 1)))
    }
    static func end(_ sequence: UInt32, at time: Int64 = 400) -> Record {
        .commandEnd(CommandEnd(sequence: sequence, endTime: time))
    }
    static func footer(_ count: UInt32) -> Record { .footer(SessionFooter(endTime: 500, commandCount: count)) }

    static let all: [RecordingProblemCase] = [
        .init(name: "empty file", records: [], expectedOffset: 0),
        .init(name: "no header", records: [start(0)], expectedOffset: 0),
        .init(name: "two headers", records: [header, header], expectedOffset: 1),
        .init(name: "frame before its start", records: [header, frame(0)], expectedOffset: 1),
        .init(name: "frame after its end", records: [header, start(0), end(0), frame(0)], expectedOffset: 3),
        .init(name: "sequence goes back", records: [header, start(1), start(0)], expectedOffset: 2),
        .init(name: "frame timed before its start", records: [header, start(0), frame(0, at: 150)], expectedOffset: 2),
        .init(
            name: "end before last frame", records: [header, start(0), frame(0, at: 450), end(0, at: 400)],
            expectedOffset: 3),
        .init(name: "footer count wrong", records: [header, start(0), end(0), footer(2)], expectedOffset: 3),
        .init(name: "footer with a running command", records: [header, start(0), footer(1)], expectedOffset: 2),
        .init(name: "record after footer", records: [header, footer(0), start(0)], expectedOffset: 2),
        .init(name: "no footer", records: [header, start(0), end(0)], expectedOffset: 3),
        .init(
            name: "unknown record type", records: [header, Record(type: RecordType(rawValue: 9))], expectedOffset: 1),
    ]
}
