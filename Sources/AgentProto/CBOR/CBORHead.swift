/// The initial byte of a CBOR item and the argument that follows it (RFC 8949 §3).
public struct CBORHead: Hashable, Sendable {
    /// The item's major type.
    public var majorType: CBORMajorType
    /// The low five bits of the initial byte.
    public var additionalInformation: UInt8
    /// The value, length, count or tag number; 0 for an indefinite length.
    public var argument: UInt64
    /// How many bytes the head occupies (1, 2, 3, 5 or 9).
    public var length: Int

    /// Whether the head starts an indefinite-length item or is a break (additional information 31).
    public var isIndefinite: Bool { additionalInformation == 31 }

    /// The initial byte of the break that ends an indefinite-length item (RFC 8949 §3.2.1).
    public static let breakByte: UInt8 = 0xff

    /// Whether the argument was written in the fewest bytes that hold it (RFC 8949 §4.2.1, preferred
    /// serialization). Major type 7 is exempt: its additional information selects float widths.
    public var isShortest: Bool {
        if majorType == .simple || isIndefinite { return true }
        return length == Self.length(ofArgument: argument)
    }

    /// The number of bytes a head with this argument takes in its shortest form.
    @inlinable
    public static func length(ofArgument argument: UInt64) -> Int {
        switch argument {
        case 0..<24: 1
        case 24...0xff: 2
        case 0x100...0xffff: 3
        case 0x1_0000...0xffff_ffff: 5
        default: 9
        }
    }
}
