/// A value with a canonical CBOR encoding.
public protocol CBOREncodable {
    /// Writes the value's canonical encoding. Called twice per encoding: once to size, once to write.
    func encode<Sink: CBORSink>(to sink: inout Sink)
}

/// A value that can be read from CBOR.
public protocol CBORDecodable {
    /// Reads one value at the reader's cursor.
    ///
    /// - Throws: ``FrameDecodingError`` when the bytes are not a valid encoding of the value.
    init(from reader: inout CBORReader) throws(FrameDecodingError)
}

/// A value that can be both written to and read from CBOR.
public typealias CBORCodable = CBOREncodable & CBORDecodable

extension CBOREncodable {
    /// The number of bytes of the value's canonical encoding.
    @inlinable
    public var encodedSize: Int {
        var counter = CBORSizeCounter()
        encode(to: &counter)
        return counter.count
    }

    /// The value's canonical encoding: a size pass, one allocation, then a write pass.
    @inlinable
    public func encodedBytes() -> [UInt8] {
        let size = encodedSize
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var writer = CBORBufferWriter(UnsafeMutableRawBufferPointer(buffer))
            encode(to: &writer)
            precondition(writer.count == size, "CBOR size pass and write pass disagree")
            initialized = size
        }
    }
}

extension CBORDecodable {
    /// Decodes exactly one value from `bytes`.
    ///
    /// - Parameters:
    ///   - bytes: one complete encoded value, with nothing after it.
    ///   - limits: the bounds to enforce.
    /// - Throws: ``FrameDecodingError``, including `truncated` for incomplete input and
    ///   `trailingBytes` when bytes follow the value.
    public init(cborBytes bytes: [UInt8], limits: CBORDecodingLimits = .default) throws(FrameDecodingError) {
        // `withUnsafeBytes` rethrows untyped errors, so the typed error travels out as a `Result`.
        let result = bytes.withUnsafeBytes { (raw) -> Result<Self, FrameDecodingError> in
            var reader = CBORReader(raw, limits: limits)
            do throws(FrameDecodingError) {
                let value = try Self(from: &reader)
                guard reader.isAtEnd else {
                    throw FrameDecodingError(.trailingBytes, at: reader.offset, "bytes follow the end of the item")
                }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        self = try result.get()
    }
}

extension CBORReader {
    /// Reads a nested message, or `nil` for `null` (a Go nil pointer).
    @inlinable
    public mutating func readOptional<T: CBORDecodable>(_: T.Type) throws(FrameDecodingError) -> T? {
        if consumeNull() { return nil }
        return try T(from: &self)
    }
}

extension CBORReader {
    /// Reads an array of text strings, or `nil` for `null`.
    public mutating func readTextArray() throws(FrameDecodingError) -> [String]? {
        try readArray { (reader: inout CBORReader) throws(FrameDecodingError) in try reader.readText() }
    }

    /// Reads an array of nested messages, or `nil` for `null`.
    public mutating func readArray<T: CBORDecodable>(of _: T.Type) throws(FrameDecodingError) -> [T]? {
        try readArray { (reader: inout CBORReader) throws(FrameDecodingError) in try T(from: &reader) }
    }
}
