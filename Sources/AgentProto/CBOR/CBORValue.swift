/// Any CBOR data item (RFC 8949 §3), for tools that show or build items without knowing their type.
///
/// The protocol's own values decode into their Swift types; this generic form is for inspection
/// (`mproxy frames`, `mproxy replay --json`) and for conformance with the RFC's examples.
public indirect enum CBORValue: Hashable, Sendable {
    /// Major type 0.
    case unsigned(UInt64)
    /// Major type 1: the value −1 − `magnitude`.
    case negative(magnitude: UInt64)
    /// Major type 2.
    case bytes([UInt8])
    /// Major type 3.
    case text(String)
    /// Major type 4.
    case array([CBORValue])
    /// Major type 5, pairs in the order read or given.
    case map([CBORMapEntry])
    /// Major type 6.
    case tagged(UInt64, CBORValue)
    /// `false` or `true`.
    case bool(Bool)
    /// `null`.
    case null
    /// `undefined`.
    case undefined
    /// A simple value other than false, true, null and undefined.
    case simple(UInt8)
    /// A half-, single- or double-precision float, held as a double (every one of them fits exactly).
    case float(Double)

    /// A signed integer value, as major type 0 or 1.
    public static func integer(_ value: Int64) -> CBORValue {
        value >= 0 ? .unsigned(UInt64(value)) : .negative(magnitude: UInt64(bitPattern: ~value))
    }
}

/// One key–value pair of a ``CBORValue/map(_:)``.
public struct CBORMapEntry: Hashable, Sendable {
    /// The key.
    public var key: CBORValue
    /// The value.
    public var value: CBORValue

    /// Creates a pair.
    public init(key: CBORValue, value: CBORValue) {
        self.key = key
        self.value = value
    }
}

// MARK: - Decoding

extension CBORValue: CBORDecodable {
    public init(from reader: inout CBORReader) throws(FrameDecodingError) {
        let head = try reader.peekHead()
        switch head.majorType {
        case .unsigned:
            _ = try reader.readHead()
            self = .unsigned(head.argument)
        case .negative:
            _ = try reader.readHead()
            self = .negative(magnitude: head.argument)
        case .byteString:
            self = .bytes(try reader.readBytes())
        case .textString:
            self = .text(try reader.readText())
        case .array:
            guard var array = try reader.beginArray() else { self = .null; return }
            var elements: [CBORValue] = []
            elements.reserveCapacity(reader.plausibleCount(of: array))
            while try reader.nextElement(in: &array) {
                elements.append(try CBORValue(from: &reader))
            }
            self = .array(elements)
        case .map:
            guard var map = try reader.beginMap() else { self = .null; return }
            var entries: [CBORMapEntry] = []
            entries.reserveCapacity(reader.plausibleCount(of: map) / 2)
            while try reader.nextElement(in: &map) {
                let key = try CBORValue(from: &reader)
                guard try reader.nextElement(in: &map) else {
                    throw FrameDecodingError(
                        .unexpectedBreak, at: reader.offset, "map ends between a key and its value")
                }
                entries.append(CBORMapEntry(key: key, value: try CBORValue(from: &reader)))
            }
            self = .map(entries)
        case .tag:
            let start = reader.offset
            _ = try reader.readHead()
            try reader.enterNesting(at: start)
            self = .tagged(head.argument, try CBORValue(from: &reader))
            reader.leaveNesting()
        default:
            let start = reader.offset
            _ = try reader.readHead()
            switch head.additionalInformation {
            case 20: self = .bool(false)
            case 21: self = .bool(true)
            case 22: self = .null
            case 23: self = .undefined
            case 25: self = .float(HalfFloat.double(fromBits: UInt16(head.argument)))
            case 26: self = .float(Double(Float(bitPattern: UInt32(head.argument))))
            case 27: self = .float(Double(bitPattern: head.argument))
            case 31: throw FrameDecodingError(.unexpectedBreak, at: start, "break outside an indefinite-length item")
            default: self = .simple(UInt8(truncatingIfNeeded: head.argument))
            }
        }
    }
}

// MARK: - Encoding

extension CBORValue: CBOREncodable {
    /// Writes the value in preferred serialization: shortest heads, shortest exact float, definite
    /// lengths. Map entries are written in the order held; ``canonicalized()`` sorts them.
    public func encode<Sink: CBORSink>(to sink: inout Sink) {
        switch self {
        case .unsigned(let value): sink.writeHead(.unsigned, value)
        case .negative(let magnitude): sink.writeHead(.negative, magnitude)
        case .bytes(let bytes): sink.writeBytes(bytes)
        case .text(let text): sink.writeText(text)
        case .array(let elements):
            sink.writeArrayHeader(count: elements.count)
            for element in elements { element.encode(to: &sink) }
        case .map(let entries):
            sink.writeMapHeader(count: entries.count)
            for entry in entries {
                entry.key.encode(to: &sink)
                entry.value.encode(to: &sink)
            }
        case .tagged(let tag, let value):
            sink.writeHead(.tag, tag)
            value.encode(to: &sink)
        case .bool(let value): sink.writeBool(value)
        case .null: sink.writeNull()
        case .undefined: sink.writeRawByte(0xf7)
        case .simple(let value):
            if value < 24 {
                sink.writeRawByte(0xe0 | value)
            } else {
                sink.writeRawByte(0xf8)
                sink.writeRawByte(value)
            }
        case .float(let value): Self.writeShortestFloat(value, to: &sink)
        }
    }

    /// Writes a float in the fewest bytes that keep its value (RFC 8949 §4.2.1); NaN as 0xf97e00.
    private static func writeShortestFloat<Sink: CBORSink>(_ value: Double, to sink: inout Sink) {
        if let half = HalfFloat.bits(exactly: value) {
            sink.writeRawByte(0xf9)
            sink.writeRawByte(UInt8(half >> 8))
            sink.writeRawByte(UInt8(half & 0xff))
        } else if let single = Float(exactly: value) {
            sink.writeRawByte(0xfa)
            withUnsafeBytes(of: single.bitPattern.bigEndian) { sink.writeRaw($0) }
        } else {
            sink.writeRawByte(0xfb)
            withUnsafeBytes(of: value.bitPattern.bigEndian) { sink.writeRaw($0) }
        }
    }

    /// The same value with every map's entries in RFC 7049 canonical order: shorter encoded keys
    /// first, then bytewise, as the Go peer's encoder sorts them.
    public func canonicalized() -> CBORValue {
        switch self {
        case .array(let elements):
            return .array(elements.map { $0.canonicalized() })
        case .map(let entries):
            let sorted = entries.map { CBORMapEntry(key: $0.key.canonicalized(), value: $0.value.canonicalized()) }
                .map { (encodedKey: $0.key.encodedBytes(), entry: $0) }
                .sorted { lhs, rhs in
                    lhs.encodedKey.count != rhs.encodedKey.count
                        ? lhs.encodedKey.count < rhs.encodedKey.count
                        : lhs.encodedKey.lexicographicallyPrecedes(rhs.encodedKey)
                }
            return .map(sorted.map(\.entry))
        case .tagged(let tag, let value):
            return .tagged(tag, value.canonicalized())
        default:
            return self
        }
    }
}
