import AgentProto
import Foundation
import Testing

/// One entry of `Fixtures/agentproto-golden.jsonl`: bytes from the Go reference encoder and the
/// JSON form of each item in them.
struct GoldenVector: CustomTestStringConvertible, Sendable {
    var name: String
    /// `frame`, `frames`, `record` or `recording`.
    var kind: String
    var bytes: [UInt8]
    /// The canonical JSON text of each item, as `jsonLine()` must produce it.
    var decodedLines: [String]

    var isRecord: Bool { kind == "record" || kind == "recording" }
    var testDescription: String { name }

    static let all: [GoldenVector] = {
        let text = Fixtures.text("agentproto-golden.jsonl")
        return text.split(separator: "\n").map { line in
            guard case .object(let members) = try? JSONParser.parse(String(line)) else {
                fatalError("fixture line is not a JSON object: \(line.prefix(80))")
            }
            func member(_ name: String) -> JSONValue? { members.first { $0.name == name }?.value }
            guard case .string(let name) = member("name"), case .string(let kind) = member("kind"),
                case .string(let hex) = member("hex"), let bytes = Hex.decode(hex),
                case .array(let decoded) = member("decoded")
            else { fatalError("fixture line lacks name/kind/hex/decoded: \(line.prefix(80))") }
            return GoldenVector(name: name, kind: kind, bytes: bytes, decodedLines: decoded.map(JSONWriter.text(of:)))
        }
    }()
}

/// Files under `Tests/AgentProtoTests/Fixtures`, located from this source file so tests need no
/// bundle resources.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func text(_ name: String) -> String {
        guard let text = try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8) else {
            fatalError("missing fixture \(name)")
        }
        return text
    }
}

/// Decodes every item in `bytes` with a stream decoder fed `chunkSize` bytes at a time.
func decodeAll<Item: CBORDecodable>(
    _: Item.Type, from bytes: [UInt8], chunkSize: Int = .max
) throws -> [Item] {
    var decoder = CBORStreamDecoder<Item>()
    var items: [Item] = []
    var start = 0
    repeat {
        let end = min(bytes.count, start &+ chunkSize)
        decoder.append(Array(bytes[start..<end]))
        while let item = try decoder.next() { items.append(item) }
        start = end
    } while start < bytes.count
    try decoder.finish()
    return items
}
