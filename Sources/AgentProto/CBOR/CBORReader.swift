/// A cursor over contiguous CBOR bytes: reads heads, integers, strings and containers in place.
///
/// Integers are loaded big-endian straight from the input, payload bytes are copied once into the
/// value that keeps them, and every length and count a peer declares is checked against the bytes
/// present and the ``CBORDecodingLimits`` before anything is allocated. Running out of bytes throws
/// ``FrameDecodingError/Code/truncated``; the stream decoders only hand this reader complete items.
///
/// Scalar reads accept CBOR `null` and `undefined` as the zero value and step over tags, as the Go
/// peer's decoder does.
public struct CBORReader {
    @usableFromInline let bytes: UnsafeRawBufferPointer
    /// The cursor, as an index into the input.
    public private(set) var position: Int
    /// The stream offset of the input's first byte, so errors name offsets in the whole stream.
    public let streamOffset: Int
    /// The limits this reader enforces.
    public let limits: CBORDecodingLimits
    private var depth = 0

    /// Creates a reader at the start of `bytes`.
    ///
    /// - Parameters:
    ///   - bytes: the input; it must stay valid while the reader is used.
    ///   - streamOffset: the offset of `bytes` in the stream it came from, for error messages.
    ///   - limits: the bounds to enforce.
    public init(_ bytes: UnsafeRawBufferPointer, streamOffset: Int = 0, limits: CBORDecodingLimits = .default) {
        self.bytes = bytes
        self.position = 0
        self.streamOffset = streamOffset
        self.limits = limits
    }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { position >= bytes.count }

    /// The stream offset of the cursor.
    public var offset: Int { streamOffset + position }

    private var remaining: Int { bytes.count - position }

    // MARK: - Heads

    /// Reads the initial byte and argument of the next item.
    ///
    /// - Throws: `truncated` when the head is incomplete; `malformedHead` for additional information
    ///   28–30, or 31 on an integer or tag; `malformedSimpleValue` for a two-byte simple value below 32.
    public mutating func readHead() throws(FrameDecodingError) -> CBORHead {
        let head = try peekHead()
        position += head.length
        return head
    }

    /// Reads the next head without moving the cursor.
    public func peekHead() throws(FrameDecodingError) -> CBORHead {
        guard position < bytes.count else {
            throw FrameDecodingError(.truncated, at: offset, "input ends where an item should start")
        }
        let initial = bytes[position]
        let majorType = CBORMajorType(rawValue: initial >> 5)
        let info = initial & 0x1f
        let argumentLength: Int
        switch info {
        case 0..<24: argumentLength = 0
        case 24: argumentLength = 1
        case 25: argumentLength = 2
        case 26: argumentLength = 4
        case 27: argumentLength = 8
        case 31:
            if majorType == .simple {
                throw FrameDecodingError(.unexpectedBreak, at: offset, "break outside an indefinite-length item")
            }
            guard majorType != .unsigned, majorType != .negative, majorType != .tag else {
                throw FrameDecodingError(.malformedHead, at: offset, "a \(majorType) cannot have an indefinite length")
            }
            return CBORHead(majorType: majorType, additionalInformation: info, argument: 0, length: 1)
        default:
            throw FrameDecodingError(.malformedHead, at: offset, "reserved additional information \(info)")
        }
        guard remaining > argumentLength else {
            throw FrameDecodingError(.truncated, at: offset, "input ends inside an item's head")
        }
        let argument: UInt64
        switch argumentLength {
        case 0: argument = UInt64(info)
        case 1: argument = UInt64(bytes[position + 1])
        case 2: argument = UInt64(UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: position + 1, as: UInt16.self)))
        case 4: argument = UInt64(UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: position + 1, as: UInt32.self)))
        default: argument = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: position + 1, as: UInt64.self))
        }
        if majorType == .simple, info == 24, argument < 32 {
            throw FrameDecodingError(.malformedSimpleValue, at: offset, "two-byte simple value \(argument) below 32")
        }
        return CBORHead(
            majorType: majorType, additionalInformation: info, argument: argument, length: 1 + argumentLength)
    }

    /// Consumes a `null` or `undefined` if one is next.
    ///
    /// - Returns: whether one was consumed.
    public mutating func consumeNull() -> Bool {
        guard position < bytes.count else { return false }
        let initial = bytes[position]
        guard initial == 0xf6 || initial == 0xf7 else { return false }
        position += 1
        return true
    }

    /// Steps over any tags in front of the next item; their numbers carry no meaning for protocol fields.
    private mutating func skipTags() throws(FrameDecodingError) {
        while position < bytes.count, bytes[position] >> 5 == CBORMajorType.tag.rawValue {
            _ = try readHead()
        }
    }

    // MARK: - Integers

    /// Reads an unsigned integer into `T`, or 0 for `null`.
    ///
    /// - Throws: `unexpectedType` for anything but an unsigned integer; `integerOverflow` when it
    ///   does not fit `T` (a negative number never does).
    public mutating func readUnsigned<T: FixedWidthInteger & UnsignedInteger>(
        _: T.Type = T.self
    ) throws(FrameDecodingError) -> T {
        if consumeNull() { return 0 }
        try skipTags()
        let start = offset
        let head = try readHead()
        switch head.majorType {
        case .unsigned:
            guard let value = T(exactly: head.argument) else {
                throw FrameDecodingError(.integerOverflow, at: start, "\(head.argument) does not fit \(T.self)")
            }
            return value
        case .negative:
            throw FrameDecodingError(.integerOverflow, at: start, "negative integer where \(T.self) is expected")
        default:
            throw FrameDecodingError(.unexpectedType, at: start, "\(head.majorType) where an integer is expected")
        }
    }

    /// Reads a signed integer into `T`, or 0 for `null`.
    ///
    /// - Throws: `unexpectedType` for anything but an integer; `integerOverflow` when it does not fit `T`.
    public mutating func readSigned<T: FixedWidthInteger & SignedInteger>(
        _: T.Type = T.self
    ) throws(FrameDecodingError) -> T {
        if consumeNull() { return 0 }
        try skipTags()
        let start = offset
        let head = try readHead()
        switch head.majorType {
        case .unsigned:
            guard let value = T(exactly: head.argument) else {
                throw FrameDecodingError(.integerOverflow, at: start, "\(head.argument) does not fit \(T.self)")
            }
            return value
        case .negative:
            // The value is −1 − argument; compute it without overflowing on the way.
            guard let magnitude = T(exactly: head.argument) else {
                throw FrameDecodingError(.integerOverflow, at: start, "-1-\(head.argument) does not fit \(T.self)")
            }
            return -1 - magnitude
        default:
            throw FrameDecodingError(.unexpectedType, at: start, "\(head.majorType) where an integer is expected")
        }
    }

    /// Reads a boolean, or `false` for `null`.
    public mutating func readBool() throws(FrameDecodingError) -> Bool {
        if consumeNull() { return false }
        try skipTags()
        let start = offset
        let head = try readHead()
        guard head.majorType == .simple, head.additionalInformation == 20 || head.additionalInformation == 21 else {
            throw FrameDecodingError(.unexpectedType, at: start, "\(head.majorType) where a boolean is expected")
        }
        return head.additionalInformation == 21
    }

    // MARK: - Strings

    /// Reads a UTF-8 text string, or `""` for `null`.
    ///
    /// - Throws: `unexpectedType` for anything but a text string (a byte string included);
    ///   `invalidUTF8`; `lengthLimitExceeded` or `truncated` for a length beyond the limit or the input.
    public mutating func readText() throws(FrameDecodingError) -> String {
        if consumeNull() { return "" }
        try skipTags()
        let start = offset
        let head = try readHead()
        guard head.majorType == .textString else {
            throw FrameDecodingError(.unexpectedType, at: start, "\(head.majorType) where a text string is expected")
        }
        if head.isIndefinite {
            let assembled = try readChunks(of: .textString, startingAt: start)
            guard let text = String(validating: assembled, as: UTF8.self) else {
                throw FrameDecodingError(.invalidUTF8, at: start, "text string is not valid UTF-8")
            }
            return text
        }
        let payload = try takePayload(head, startingAt: start)
        return try Self.string(validating: payload, at: start)
    }

    /// Makes a String from UTF-8 bytes, rejecting invalid ones. ASCII, the common case on this
    /// protocol, is checked eight bytes at a time and copied without a second validation pass.
    private static func string(validating utf8: UnsafeRawBufferPointer, at start: Int) throws(FrameDecodingError)
        -> String
    {
        if isASCII(utf8) {
            return String(unsafeUninitializedCapacity: utf8.count) { buffer in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: utf8)
                return utf8.count
            }
        }
        guard let text = String(validating: utf8.assumingMemoryBound(to: UInt8.self), as: UTF8.self) else {
            throw FrameDecodingError(.invalidUTF8, at: start, "text string is not valid UTF-8")
        }
        return text
    }

    private static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        var high: UInt64 = 0
        while index + 8 <= bytes.count {
            high |= bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < bytes.count {
            high |= UInt64(bytes[index])
            index += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// Reads a byte string, or an empty array for `null`. The payload is copied once.
    ///
    /// - Throws: `unexpectedType` for anything but a byte string (a text string included);
    ///   `lengthLimitExceeded` or `truncated` for a length beyond the limit or the input.
    public mutating func readBytes() throws(FrameDecodingError) -> [UInt8] {
        if consumeNull() { return [] }
        try skipTags()
        let start = offset
        let head = try readHead()
        guard head.majorType == .byteString else {
            throw FrameDecodingError(.unexpectedType, at: start, "\(head.majorType) where a byte string is expected")
        }
        if head.isIndefinite {
            return try readChunks(of: .byteString, startingAt: start)
        }
        return [UInt8](try takePayload(head, startingAt: start))
    }

    /// Returns the payload of a definite string whose head was just read, and moves past it.
    private mutating func takePayload(_ head: CBORHead, startingAt start: Int) throws(FrameDecodingError)
        -> UnsafeRawBufferPointer
    {
        let length = try checkedLength(head.argument, startingAt: start)
        let payload = UnsafeRawBufferPointer(rebasing: bytes[position..<position + length])
        position += length
        return payload
    }

    /// Checks a declared length against the limit and the input before anything uses it.
    private func checkedLength(_ declared: UInt64, startingAt start: Int) throws(FrameDecodingError) -> Int {
        guard declared <= UInt64(limits.maximumItemSize) else {
            throw FrameDecodingError(
                .lengthLimitExceeded, at: start,
                "declared length \(declared) exceeds the limit of \(limits.maximumItemSize) bytes")
        }
        let length = Int(declared)
        guard length <= remaining else {
            throw FrameDecodingError(.truncated, at: start, "input ends inside a string of \(length) bytes")
        }
        return length
    }

    /// Concatenates the chunks of an indefinite-length string whose head was just read.
    private mutating func readChunks(of majorType: CBORMajorType, startingAt start: Int) throws(FrameDecodingError)
        -> [UInt8]
    {
        var assembled: [UInt8] = []
        while true {
            guard position < bytes.count else {
                throw FrameDecodingError(.truncated, at: offset, "input ends inside an indefinite-length string")
            }
            if bytes[position] == CBORHead.breakByte {
                position += 1
                return assembled
            }
            let chunkStart = offset
            let chunk = try readHead()
            guard chunk.majorType == majorType, !chunk.isIndefinite else {
                throw FrameDecodingError(
                    .malformedChunk, at: chunkStart,
                    "a chunk of an indefinite \(majorType) must be a definite \(majorType)")
            }
            let payload = try takePayload(chunk, startingAt: chunkStart)
            if majorType == .textString,
                String(validating: payload.assumingMemoryBound(to: UInt8.self), as: UTF8.self) == nil
            {
                throw FrameDecodingError(.invalidUTF8, at: chunkStart, "text string chunk is not valid UTF-8")
            }
            guard assembled.count + payload.count <= limits.maximumItemSize else {
                throw FrameDecodingError(
                    .lengthLimitExceeded, at: start, "string exceeds the limit of \(limits.maximumItemSize) bytes")
            }
            assembled.append(contentsOf: payload)
        }
    }

    // MARK: - Containers

    /// An open array or map: how many items remain, or that it ends with a break.
    public struct Container {
        /// Items left to read, or `nil` when the container ends with a break.
        var remaining: Int?
    }

    /// Opens a map, or returns `nil` for `null` (an absent nested message).
    ///
    /// Read its entries with ``nextKey(in:)`` followed by one value read or ``skipItem()`` per key.
    ///
    /// - Throws: `unexpectedType` for anything but a map; `countLimitExceeded`; `depthLimitExceeded`.
    public mutating func beginMap() throws(FrameDecodingError) -> Container? {
        if consumeNull() { return nil }
        try skipTags()
        let start = offset
        let head = try readHead()
        guard head.majorType == .map else {
            throw FrameDecodingError(.unexpectedType, at: start, "\(head.majorType) where a map is expected")
        }
        return try openContainer(head, startingAt: start)
    }

    /// Opens an array, or returns `nil` for `null` (an absent list).
    ///
    /// Read its elements with ``nextElement(in:)`` followed by one read or ``skipItem()`` each.
    ///
    /// - Throws: `unexpectedType` for anything but an array; `countLimitExceeded`; `depthLimitExceeded`.
    public mutating func beginArray() throws(FrameDecodingError) -> Container? {
        if consumeNull() { return nil }
        try skipTags()
        let start = offset
        let head = try readHead()
        guard head.majorType == .array else {
            throw FrameDecodingError(.unexpectedType, at: start, "\(head.majorType) where an array is expected")
        }
        return try openContainer(head, startingAt: start)
    }

    private mutating func openContainer(_ head: CBORHead, startingAt start: Int) throws(FrameDecodingError) -> Container
    {
        try enterNesting(at: start)
        if head.isIndefinite { return Container(remaining: nil) }
        guard head.argument <= UInt64(limits.maximumElementCount) else {
            throw FrameDecodingError(
                .countLimitExceeded, at: start,
                "\(head.majorType) of \(head.argument) elements exceeds the limit of \(limits.maximumElementCount)")
        }
        let count = Int(head.argument)
        return Container(remaining: head.majorType == .map ? count * 2 : count)
    }

    /// How many elements a definite container declares, capped by what the input could hold, for
    /// reserving capacity without trusting the peer.
    public func plausibleCount(of container: Container) -> Int {
        min(container.remaining ?? 0, remaining)
    }

    /// Advances to the next map entry and reads its key.
    ///
    /// - Returns: the key, or `nil` once the map is exhausted (the map is then closed).
    public mutating func nextKey(in map: inout Container) throws(FrameDecodingError) -> CBORMapKey? {
        guard try advance(&map) else { return nil }
        if map.remaining != nil { map.remaining! -= 1 }
        let start = offset
        let head = try peekHead()
        guard head.majorType == .textString else {
            try skipItem()
            return .other
        }
        if head.isIndefinite {
            return .assembledText(try readText())
        }
        position += head.length
        let key = try takePayload(head, startingAt: start)
        // Protocol keys are ASCII; anything else must still be valid UTF-8, as the Go decoder requires.
        if key.contains(where: { $0 >= 0x80 }),
            String(validating: key.assumingMemoryBound(to: UInt8.self), as: UTF8.self) == nil
        {
            throw FrameDecodingError(.invalidUTF8, at: start, "map key is not valid UTF-8")
        }
        return .text(key)
    }

    /// Advances to the next array element.
    ///
    /// - Returns: whether an element follows; `false` once the array is exhausted (it is then closed).
    public mutating func nextElement(in array: inout Container) throws(FrameDecodingError) -> Bool {
        try advance(&array)
    }

    /// Consumes one slot of a container, or its end (a break, or a count of zero).
    private mutating func advance(_ container: inout Container) throws(FrameDecodingError) -> Bool {
        if let remaining = container.remaining {
            if remaining == 0 {
                depth -= 1
                return false
            }
            container.remaining = remaining - 1
            return true
        }
        guard position < bytes.count else {
            throw FrameDecodingError(.truncated, at: offset, "input ends inside an indefinite-length container")
        }
        if bytes[position] == CBORHead.breakByte {
            position += 1
            depth -= 1
            return false
        }
        return true
    }

    /// Counts one more level of nesting; throws past the depth limit.
    mutating func enterNesting(at start: Int) throws(FrameDecodingError) {
        depth += 1
        guard depth <= limits.maximumDepth else {
            throw FrameDecodingError(
                .depthLimitExceeded, at: start, "items nest deeper than the limit of \(limits.maximumDepth)")
        }
    }

    /// Counts one level of nesting less.
    mutating func leaveNesting() {
        depth -= 1
    }

    /// Reads an array whose elements `element` reads, or `nil` for `null`.
    public mutating func readArray<Element>(
        _ element: (inout CBORReader) throws(FrameDecodingError) -> Element
    ) throws(FrameDecodingError) -> [Element]? {
        guard var array = try beginArray() else { return nil }
        var elements: [Element] = []
        elements.reserveCapacity(plausibleCount(of: array))
        while try nextElement(in: &array) {
            elements.append(try element(&self))
        }
        return elements
    }

    // MARK: - Skipping

    /// Moves past the next item, whatever it is, checking that it is well formed.
    ///
    /// - Throws: any structural error of the item: truncation, malformed heads, a stray break,
    ///   malformed chunks, depth or count beyond the limits, invalid UTF-8 in text.
    public mutating func skipItem() throws(FrameDecodingError) {
        let start = offset
        let head = try readHead()
        switch head.majorType {
        case .unsigned, .negative:
            return
        case .byteString, .textString:
            if head.isIndefinite {
                _ = try readChunks(of: head.majorType, startingAt: start)
            } else {
                let payload = try takePayload(head, startingAt: start)
                if head.majorType == .textString,
                    String(validating: payload.assumingMemoryBound(to: UInt8.self), as: UTF8.self) == nil
                {
                    throw FrameDecodingError(.invalidUTF8, at: start, "text string is not valid UTF-8")
                }
            }
        case .array, .map:
            var container = try openContainer(head, startingAt: start)
            while try advance(&container) {
                try skipItem()
            }
        case .tag:
            try enterNesting(at: start)
            try skipItem()
            depth -= 1
        default:
            if head.isIndefinite {
                throw FrameDecodingError(.unexpectedBreak, at: start, "break outside an indefinite-length item")
            }
        }
    }
}

@available(*, unavailable)
extension CBORReader: Sendable {}
