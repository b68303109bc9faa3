/// A map key as read from the wire, compared against the protocol's key names without allocating.
///
/// Valid only while the bytes it was read from are: decoders use it inside one `withUnsafeBytes`.
public enum CBORMapKey {
    /// A definite-length text key, pointing into the input.
    case text(UnsafeRawBufferPointer)
    /// An indefinite-length text key, assembled from its chunks.
    case assembledText(String)
    /// A key that is not a text string (already skipped); no protocol field matches it.
    case other

    /// Whether this key spells `name`.
    @inlinable
    public func matches(_ name: StaticString) -> Bool {
        switch self {
        case .text(let bytes):
            guard bytes.count == name.utf8CodeUnitCount else { return false }
            let expected = name.utf8Start
            for index in 0..<bytes.count where bytes[index] != expected[index] {
                return false
            }
            return true
        case .assembledText(let string):
            return string.utf8.elementsEqual(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        case .other:
            return false
        }
    }

    /// Lets protocol decoders `switch` over a key with string-literal cases.
    @inlinable
    public static func ~= (pattern: StaticString, key: CBORMapKey) -> Bool {
        key.matches(pattern)
    }

    /// The key as text, for error messages.
    public var name: String {
        switch self {
        case .text(let bytes): String(decoding: bytes, as: UTF8.self)
        case .assembledText(let string): string
        case .other: "(non-text key)"
        }
    }
}

@available(*, unavailable)
extension CBORMapKey: Sendable {}
