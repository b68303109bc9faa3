import AgentProto
import Foundation
import Testing

/// RFC 8949 Appendix A: a general CBOR reader must decode all 81 examples, and the deterministic
/// ones must re-encode to the same bytes.
@Suite("RFC 8949 Appendix A")
struct RFC8949AppendixATests {
    struct Example: CustomTestStringConvertible, Sendable {
        var diagnostic: String
        var bytes: [UInt8]
        var isDeterministic: Bool
        var json: JSONValue?
        var testDescription: String { diagnostic }
    }

    static let examples: [Example] = {
        guard case .object(let root) = try? JSONParser.parse(Fixtures.text("rfc8949-appendix-a.json")),
            case .array(let vectors) = root.first(where: { $0.name == "vectors" })?.value
        else { fatalError("rfc8949-appendix-a.json has no vectors") }
        return vectors.map { vector in
            guard case .object(let members) = vector else { fatalError("vector is not an object") }
            func member(_ name: String) -> JSONValue? { members.first { $0.name == name }?.value }
            guard case .string(let diagnostic) = member("diagnostic"), case .string(let hex) = member("hex"),
                let bytes = Hex.decode(hex), case .bool(let deterministic) = member("deterministic")
            else { fatalError("malformed vector \(vector)") }
            return Example(diagnostic: diagnostic, bytes: bytes, isDeterministic: deterministic, json: member("json"))
        }
    }()

    @Test("all 81 examples are present")
    func count() {
        #expect(Self.examples.count == 81)
    }

    @Test("every example decodes completely", arguments: examples)
    func decodes(example: Example) throws {
        _ = try CBORValue(cborBytes: example.bytes)
    }

    @Test("deterministic examples re-encode byte for byte", arguments: examples.filter(\.isDeterministic))
    func reencodes(example: Example) throws {
        #expect(try CBORValue(cborBytes: example.bytes).encodedBytes() == example.bytes)
    }

    @Test(
        "non-deterministic examples re-encode in preferred form and mean the same",
        arguments: examples.filter { !$0.isDeterministic })
    func reencodesPreferred(example: Example) throws {
        let value = try CBORValue(cborBytes: example.bytes)
        let preferred = value.encodedBytes()
        #expect(preferred.count <= example.bytes.count)
        let again = try CBORValue(cborBytes: preferred)
        if case .float(let a) = value, case .float(let b) = again, a.isNaN {
            #expect(b.isNaN)
        } else {
            #expect(again == value)
        }
    }

    @Test("examples with a JSON form convert to it", arguments: examples.filter { $0.json != nil })
    func convertsToJSON(example: Example) throws {
        let value = try CBORValue(cborBytes: example.bytes)
        #expect(Self.equal(value.json, try #require(example.json)), "\(JSONWriter.text(of: value.json))")
    }

    @Test("the decoder fed one byte at a time finds the same items", arguments: examples)
    func byteAtATime(example: Example) throws {
        let streamed = try decodeAll(CBORValue.self, from: example.bytes, chunkSize: 1)
        let whole = try CBORValue(cborBytes: example.bytes)
        #expect(streamed.count == 1)
        #expect(streamed.first?.encodedBytes() == whole.encodedBytes())
    }

    /// JSON equality with numbers compared by value, since 1e+300 and 1.0e300 are the same number.
    static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.number(let a), .number(let b)):
            return a == b || Double(a) == Double(b)
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy(equal)
        case (.object(let a), .object(let b)):
            return a.count == b.count
                && zip(a.sorted { $0.name < $1.name }, b.sorted { $0.name < $1.name }).allSatisfy {
                    $0.name == $1.name && equal($0.value, $1.value)
                }
        default:
            return lhs == rhs
        }
    }
}
