import AgentProto
import Foundation

/// Temporary files and fixed clocks for the recording tests.
enum RecordingTestSupport {
    /// A new path in a fresh temporary directory.
    static func temporaryPath(_ name: String = "session.cbor") -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("mproxy-recording-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }

    /// A clock that starts at `start` and moves `step` nanoseconds at every reading.
    static func steppingClock(start: Int64 = 1_747_742_400_000_000_000, step: Int64 = 1_000) -> @Sendable () -> Int64 {
        let counter = LockedCounter()
        return { start + step * counter.next() }
    }

    /// Every record in a file, read with a small chunk size so records straddle reads.
    static func readAll(_ path: String, chunkSize: Int = 4096) throws -> [RecordingEntry] {
        let reader = try RecordingReader(path: path, chunkSize: chunkSize)
        var entries: [RecordingEntry] = []
        while let entry = try reader.next() { entries.append(entry) }
        return entries
    }

    /// The golden vectors of kinds `record` and `recording` from the Go reference encoder.
    static let goldenRecordings: [(name: String, bytes: [UInt8], lines: [String])] = {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/agentproto-golden.jsonl")
        guard let text = try? String(contentsOf: fixture, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard case .object(let members) = try? JSONParser.parse(String(line)) else { return nil }
            func member(_ name: String) -> JSONValue? { members.first { $0.name == name }?.value }
            guard case .string(let kind) = member("kind"), kind == "record" || kind == "recording",
                case .string(let name) = member("name"), case .string(let hex) = member("hex"),
                let bytes = Hex.decode(hex), case .array(let decoded) = member("decoded")
            else { return nil }
            return (name, bytes, decoded.map(JSONWriter.text(of:)))
        }
    }()
}

/// A counter several threads may advance.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int64 = 0

    /// Returns the current value and advances it.
    func next() -> Int64 {
        lock.lock()
        defer { lock.unlock() }
        let current = value
        value += 1
        return current
    }
}
