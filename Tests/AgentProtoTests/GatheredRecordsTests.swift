import Foundation
import Testing

@testable import AgentProto

/// The recorder's gathered writes (large payloads written in place with `writev`) put exactly the
/// bytes of the plain back-to-back encoding in the file.
@Suite("Recording: gathered writes")
struct GatheredRecordsTests {
    static func frame(_ sequence: UInt32, _ frame: Frame) -> Record {
        .frame(
            RecordedFrame(
                sequence: sequence, timestamp: 1_747_742_400_000_000_000 + Int64(sequence), direction: .receive,
                frame: frame))
    }

    static func payload(_ count: Int, seed: UInt8) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31) ^ seed }
    }

    @Test(
        "Mixed batches: small and large payloads, control frames, payloads at the threshold",
        arguments: [0, 1, 3, 1500])
    func matchesPlainEncoding(largeFrameCount: Int) throws {
        var batch: [Record] = [
            .commandStart(CommandStart(sequence: 0, startTime: 1, exec: ExecRequest(path: "/bin/cat")))
        ]
        for index in 0..<largeFrameCount {
            // Sizes at, around and well over the in-place threshold, on two streams.
            let size = [GatheredRecords.inPlaceThreshold, 32 << 10, 70_000][index % 3]
            batch.append(
                Self.frame(
                    0, .data(stream: UInt32(1 + index % 2), Self.payload(size, seed: UInt8(truncatingIfNeeded: index))))
            )
            batch.append(Self.frame(0, .data(stream: 2, Self.payload(GatheredRecords.inPlaceThreshold - 1, seed: 7))))
            batch.append(Self.frame(0, .signal(15)))
        }
        batch.append(Self.frame(0, .exit(code: 3, error: "exit status 3")))
        batch.append(.commandEnd(CommandEnd(sequence: 0, endTime: 2, exitCode: 3)))

        let path = RecordingTestSupport.temporaryPath("gathered.cbor")
        defer { unlink(path) }
        let file = try RecordingFile.create(path)
        let gathered = GatheredRecords(batch)
        try gathered.write(to: file)
        try file.close()

        let expected = CBORStreamEncoder.encode(batch)
        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(gathered.inPlacePayloadCount == largeFrameCount)
        #expect(gathered.byteCount == expected.count)
        #expect(written.count == expected.count)
        // Compared as a Bool: a failure names the first differing offset instead of printing megabytes.
        let firstDifference = written.indices.first { $0 >= expected.count || written[$0] != expected[$0] }
        #expect(firstDifference == nil, "first difference at byte \(firstDifference ?? -1)")
    }
}
