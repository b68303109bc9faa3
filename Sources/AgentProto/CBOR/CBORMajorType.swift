/// The high three bits of a CBOR initial byte (RFC 8949 §3.1).
public struct CBORMajorType: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Major type 0: an unsigned integer.
    public static let unsigned = CBORMajorType(rawValue: 0)
    /// Major type 1: a negative integer −1 − argument.
    public static let negative = CBORMajorType(rawValue: 1)
    /// Major type 2: a byte string.
    public static let byteString = CBORMajorType(rawValue: 2)
    /// Major type 3: a UTF-8 text string.
    public static let textString = CBORMajorType(rawValue: 3)
    /// Major type 4: an array.
    public static let array = CBORMajorType(rawValue: 4)
    /// Major type 5: a map.
    public static let map = CBORMajorType(rawValue: 5)
    /// Major type 6: a tagged item.
    public static let tag = CBORMajorType(rawValue: 6)
    /// Major type 7: floats, simple values and the break marker.
    public static let simple = CBORMajorType(rawValue: 7)
}

extension CBORMajorType: CustomStringConvertible {
    /// The type's name as a person reads it in an error message.
    public var description: String {
        switch rawValue {
        case 0: "unsigned integer"
        case 1: "negative integer"
        case 2: "byte string"
        case 3: "text string"
        case 4: "array"
        case 5: "map"
        case 6: "tag"
        default: "simple value or float"
        }
    }
}
