import AgentProto
import Foundation
import Testing

/// `mproxy frames`: the golden vectors round-trip through the command line exactly as through the
/// library, and bad input gives the documented exit codes.
@Suite("mproxy frames")
struct FramesCommandTests {
    struct Vector: CustomTestStringConvertible, Sendable {
        var name: String
        var hex: String
        var isRecord: Bool
        var decodedLines: String
        var testDescription: String { name }
    }

    static let vectors: [Vector] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("AgentProtoTests/Fixtures/agentproto-golden.jsonl")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { fatalError("missing \(url.path)") }
        return text.split(separator: "\n").map { line in
            guard case .object(let members) = try? JSONParser.parse(String(line)) else {
                fatalError("bad fixture line")
            }
            func member(_ name: String) -> JSONValue? { members.first { $0.name == name }?.value }
            guard case .string(let name) = member("name"), case .string(let kind) = member("kind"),
                case .string(let hex) = member("hex"), case .array(let decoded) = member("decoded")
            else { fatalError("bad fixture line") }
            return Vector(
                name: name, hex: hex, isRecord: kind.hasPrefix("record"),
                decodedLines: decoded.map { JSONWriter.text(of: $0) + "\n" }.joined())
        }
    }()

    @Test("decode --hex --strict prints the documented JSON for every vector", arguments: vectors)
    func decodeHex(vector: Vector) throws {
        let result = try MProxyProcess.run(
            ["frames", "decode", "--hex", "--strict"] + (vector.isRecord ? ["--records"] : []),
            input: Array(vector.hex.utf8))
        #expect(result.status == 0, "\(result.errorText)")
        #expect(result.outputText == vector.decodedLines)
    }

    @Test("encode --hex writes the exact bytes for every vector", arguments: vectors)
    func encodeHex(vector: Vector) throws {
        let result = try MProxyProcess.run(
            ["frames", "encode", "--hex"] + (vector.isRecord ? ["--records"] : []),
            input: Array(vector.decodedLines.utf8))
        #expect(result.status == 0, "\(result.errorText)")
        #expect(result.outputText.split(separator: "\n").joined() == vector.hex)
    }

    @Test("raw bytes in, JSON out, and back to the same raw bytes")
    func rawRoundTrip() throws {
        let frames = Self.vectors.filter { !$0.isRecord }
        let raw = frames.flatMap { Hex.decode($0.hex) ?? [] }
        let decoded = try MProxyProcess.run(["frames", "decode"], input: raw)
        #expect(decoded.status == 0)
        #expect(decoded.outputText == frames.map(\.decodedLines).joined())
        let encoded = try MProxyProcess.run(["frames", "encode"], input: decoded.standardOutput)
        #expect(encoded.status == 0)
        #expect(encoded.standardOutput == raw)
    }

    @Test("--strict exits 3 for a frame that decoded but was not canonical")
    func strictNonCanonical() throws {
        // {"t": 2, "s": 1} with keys out of order.
        let result = try MProxyProcess.run(
            ["frames", "decode", "--hex", "--strict"], input: Array("a2617402617301".utf8))
        #expect(result.status == 3)
        #expect(result.outputText == "{\"s\":1,\"t\":2}\n")
        #expect(result.errorText.contains("byte offset 0 is not canonical"))
        let lenient = try MProxyProcess.run(["frames", "decode", "--hex"], input: Array("a2617402617301".utf8))
        #expect(lenient.status == 0)
    }

    @Test("malformed input exits 1 naming the byte offset, after printing the frames before it")
    func malformed() throws {
        // EOF on stdout, then a frame whose type has reserved additional information 28.
        let result = try MProxyProcess.run(["frames", "decode", "--hex"], input: Array("a261730161740 3a161741c".utf8))
        #expect(result.status == 1)
        #expect(result.outputText == "{\"s\":1,\"t\":3}\n")
        #expect(result.errorText.contains("byte offset 10"))
    }

    @Test("a stream cut inside a frame exits 1")
    func truncated() throws {
        let result = try MProxyProcess.run(["frames", "decode", "--hex"], input: Array("a1617403a26173".utf8))
        #expect(result.status == 1)
        #expect(result.outputText == "{\"t\":3}\n")
        #expect(result.errorText.contains("stream ended inside an item"))
    }

    @Test("encode names the line that is not a valid frame")
    func encodeBadLine() throws {
        let result = try MProxyProcess.run(
            ["frames", "encode", "--hex"], input: Array("{\"t\":3}\n{\"t\":\"x\"}\n".utf8))
        #expect(result.status == 1)
        #expect(result.outputText == "a1617403\n")
        #expect(result.errorText.contains("line 2"))
    }
}
