// The JSON form of CBOR items used by `mproxy frames`, `mproxy replay --json` and the golden
// vectors: map keys as on the wire, byte strings as {"$hex": "..."}, `null` where the wire has null.

extension CBORValue {
    /// The item as JSON. Bignums (tags 2 and 3) become numbers. Items JSON cannot carry directly are
    /// spelled as one-member objects:
    /// byte strings `{"$hex": ...}`, tags `{"$tag": [n, value]}`, simple values `{"$simple": n}`,
    /// `undefined` `{"$undefined": null}`; non-finite floats `{"$float": "NaN"}`. Non-text map keys
    /// are written as their JSON text.
    public var json: JSONValue {
        switch self {
        case .unsigned(let value): return .number(String(value))
        case .negative(let magnitude):
            return .number(magnitude == .max ? "-18446744073709551616" : "-" + String(magnitude + 1))
        case .bytes(let bytes): return .object([JSONMember("$hex", .string(Hex.encode(bytes)))])
        case .text(let text): return .string(text)
        case .array(let elements): return .array(elements.map(\.json))
        case .map(let entries):
            return .object(
                entries.map { entry in
                    if case .text(let name) = entry.key { return JSONMember(name, entry.value.json) }
                    return JSONMember(JSONWriter.text(of: entry.key.json), entry.value.json)
                })
        case .tagged(2, .bytes(let magnitude)):
            return .number(Self.decimal(bigEndian: magnitude))
        case .tagged(3, .bytes(let magnitude)):
            return .number("-" + Self.decimal(bigEndian: magnitude, plusOne: true))
        case .tagged(let tag, let value):
            return .object([JSONMember("$tag", .array([.number(String(tag)), value.json]))])
        case .bool(let flag): return .bool(flag)
        case .null: return .null
        case .undefined: return .object([JSONMember("$undefined", .null)])
        case .simple(let value): return .object([JSONMember("$simple", .number(String(value)))])
        case .float(let value):
            guard value.isFinite else { return .object([JSONMember("$float", .string(String(value)))]) }
            return .number(String(value))
        }
    }

    /// The decimal digits of an unsigned big-endian bignum (RFC 8949 §3.4.3), optionally plus one.
    private static func decimal(bigEndian magnitude: [UInt8], plusOne: Bool = false) -> String {
        var number = magnitude
        if plusOne {
            var index = number.count - 1
            while index >= 0 {
                let (sum, overflow) = number[index].addingReportingOverflow(1)
                number[index] = sum
                if !overflow { break }
                index -= 1
            }
            if index < 0 { number.insert(1, at: 0) }
        }
        var digits: [UInt8] = []
        while number.contains(where: { $0 != 0 }) {
            var remainder = 0
            for index in number.indices {
                let value = remainder << 8 | Int(number[index])
                number[index] = UInt8(value / 10)
                remainder = value % 10
            }
            digits.append(UInt8(ascii: "0") + UInt8(remainder))
        }
        return digits.isEmpty ? "0" : String(decoding: digits.reversed(), as: UTF8.self)
    }

    /// Builds an item from its JSON form (the inverse of ``json`` for the protocol's data model).
    ///
    /// - Throws: ``JSONConversionError`` for a number that is not a 64-bit integer or a float, or a
    ///   `$hex` string that is not hex.
    public init(json: JSONValue) throws(JSONConversionError) {
        switch json {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .string(let text): self = .text(text)
        case .array(let elements):
            var values: [CBORValue] = []
            values.reserveCapacity(elements.count)
            for element in elements { values.append(try CBORValue(json: element)) }
            self = .array(values)
        case .number(let literal):
            self = try Self.number(literal)
        case .object(let members):
            if members.count == 1, members[0].name == "$hex" {
                guard case .string(let hex) = members[0].value, let bytes = Hex.decode(hex) else {
                    throw JSONConversionError(detail: "\"$hex\" must be a string of hex digit pairs")
                }
                self = .bytes(bytes)
                return
            }
            var entries: [CBORMapEntry] = []
            entries.reserveCapacity(members.count)
            for member in members {
                entries.append(CBORMapEntry(key: .text(member.name), value: try CBORValue(json: member.value)))
            }
            self = .map(entries)
        }
    }

    private static func number(_ literal: String) throws(JSONConversionError) -> CBORValue {
        if let value = UInt64(literal) { return .unsigned(value) }
        if literal.hasPrefix("-"), let magnitude = UInt64(literal.dropFirst()), magnitude > 0 {
            return .negative(magnitude: magnitude - 1)
        }
        if literal == "-18446744073709551616" { return .negative(magnitude: .max) }
        let isIntegral = !literal.contains(where: { $0 == "." || $0 == "e" || $0 == "E" })
        guard !isIntegral, let value = Double(literal) else {
            throw JSONConversionError(detail: "number \(literal) is outside the 64-bit range CBOR integers have")
        }
        return .float(value)
    }
}

/// A JSON value that has no CBOR form in the protocol's data model.
public struct JSONConversionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var detail: String
    public var description: String { detail }
}

extension CBOREncodable {
    /// The value's canonical encoding in the JSON form of ``CBORValue/json``, as one compact line
    /// with sorted keys: the `decoded` format of the golden vectors.
    public func jsonLine() -> String {
        let encoded = encodedBytes()
        // The canonical encoding of a protocol value always decodes; fall back to its hex if not.
        guard let value = try? CBORValue(cborBytes: encoded, limits: .unlimitedForTrustedInput) else {
            return JSONWriter.text(of: .object([JSONMember("$hex", .string(Hex.encode(encoded)))]))
        }
        return JSONWriter.text(of: value.json)
    }
}

extension CBORDecodingLimits {
    /// Limits for re-reading bytes this process encoded itself.
    static let unlimitedForTrustedInput = CBORDecodingLimits(
        maximumDepth: 64, maximumElementCount: .max / 4, maximumItemSize: .max / 4)
}
