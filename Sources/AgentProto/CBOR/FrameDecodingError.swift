/// Bytes a peer sent that cannot be a frame or record: what was wrong, where, and in which field.
///
/// Running out of bytes in the middle of an item is not an error while a stream is open; the stream
/// decoders report it as "need more bytes" (`nil`). Every other problem is one of these, and each is
/// caused by the peer, so none of them traps.
public struct FrameDecodingError: Error, Hashable, Sendable {
    /// What kind of problem the bytes have. Open, so new codes can be added without breaking callers.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The bytes end inside an item (only an error once the stream has ended).
        public static let truncated = Code(rawValue: "truncated")
        /// An initial byte uses a reserved additional-information value (28–30), or 31 where no
        /// indefinite length is allowed (RFC 8949 §3).
        public static let malformedHead = Code(rawValue: "malformed head")
        /// A break byte (0xff) outside an indefinite-length item (RFC 8949 §3.2.1).
        public static let unexpectedBreak = Code(rawValue: "unexpected break")
        /// A chunk of an indefinite-length string is not a definite string of the same type (RFC 8949 §3.2.3).
        public static let malformedChunk = Code(rawValue: "malformed indefinite-length chunk")
        /// A two-byte simple value below 32 (RFC 8949 §3.3).
        public static let malformedSimpleValue = Code(rawValue: "malformed simple value")
        /// A text string is not valid UTF-8 (RFC 8949 §3.1, major type 3).
        public static let invalidUTF8 = Code(rawValue: "invalid UTF-8")
        /// An item has a different type than the field expects.
        public static let unexpectedType = Code(rawValue: "unexpected type")
        /// An integer does not fit the field's type.
        public static let integerOverflow = Code(rawValue: "integer overflow")
        /// Containers nest deeper than the limit.
        public static let depthLimitExceeded = Code(rawValue: "nesting too deep")
        /// An array or map has more elements than the limit.
        public static let countLimitExceeded = Code(rawValue: "too many elements")
        /// An item, or a length it declares, is larger than the limit.
        public static let lengthLimitExceeded = Code(rawValue: "item too large")
        /// Bytes follow a complete item where exactly one item was expected.
        public static let trailingBytes = Code(rawValue: "trailing bytes")
    }

    /// What kind of problem the bytes have.
    public var code: Code
    /// Offset, from the start of the stream, of the item that could not be decoded.
    public var byteOffset: Int
    /// The wire keys leading to the item, outermost first (`fop.sz`); empty at the top level.
    public var fieldPath: [String]
    /// A sentence for a person, without the offset or field (the description adds them).
    public var detail: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: what kind of problem the bytes have.
    ///   - byteOffset: offset of the offending item from the start of the stream.
    ///   - detail: a sentence for a person.
    @inline(never)
    public init(_ code: Code, at byteOffset: Int, _ detail: String) {
        self.code = code
        self.byteOffset = byteOffset
        self.fieldPath = []
        self.detail = detail
    }

    /// The wire field the error happened in, such as `fop.sz`, or `nil` at the top level.
    public var field: String? { fieldPath.isEmpty ? nil : fieldPath.joined(separator: ".") }

    /// The same error, one map key further out.
    @inline(never)
    func inField(_ key: String) -> Self {
        var copy = self
        copy.fieldPath.insert(key, at: 0)
        return copy
    }

    /// The same error with its offset moved by `delta` bytes, for items decoded from a slice of a stream.
    func shifted(by delta: Int) -> Self {
        var copy = self
        copy.byteOffset += delta
        return copy
    }
}

extension FrameDecodingError: CustomStringConvertible {
    /// One line: the problem, the field when known, and the byte offset.
    public var description: String {
        if let field {
            return "\(detail) in field '\(field)' at byte offset \(byteOffset)"
        }
        return "\(detail) at byte offset \(byteOffset)"
    }
}
