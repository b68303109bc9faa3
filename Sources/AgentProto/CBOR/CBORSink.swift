/// Where canonical CBOR goes: a ``CBORSizeCounter`` in the size pass, a ``CBORBufferWriter`` in the
/// write pass. Encoders are written once, generic over the sink, so the two passes cannot disagree.
public protocol CBORSink {
    /// Writes a head with the argument in its shortest form (RFC 8949 §4.2.1).
    mutating func writeHead(_ majorType: CBORMajorType, _ argument: UInt64)
    /// Writes raw bytes, such as a string's payload.
    mutating func writeRaw(_ bytes: UnsafeRawBufferPointer)
    /// Writes one raw byte, such as a simple value.
    mutating func writeRawByte(_ byte: UInt8)
}

extension CBORSink {
    /// Writes an unsigned integer.
    @inlinable
    public mutating func writeUnsigned<T: FixedWidthInteger & UnsignedInteger>(_ value: T) {
        writeHead(.unsigned, UInt64(value))
    }

    /// Writes a signed integer: major type 0 when non-negative, else major type 1 with −1 − value.
    @inlinable
    public mutating func writeSigned<T: FixedWidthInteger & SignedInteger>(_ value: T) {
        if value >= 0 {
            writeHead(.unsigned, UInt64(value))
        } else {
            // −1 − value, computed in the unsigned domain so Int64.min does not overflow.
            writeHead(.negative, UInt64(bitPattern: Int64(truncatingIfNeeded: ~value)))
        }
    }

    /// Writes a boolean.
    @inlinable
    public mutating func writeBool(_ value: Bool) {
        writeRawByte(value ? 0xf5 : 0xf4)
    }

    /// Writes `null`.
    @inlinable
    public mutating func writeNull() {
        writeRawByte(0xf6)
    }

    /// Writes a text string.
    @inlinable
    public mutating func writeText(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            writeHead(.textString, UInt64(utf8.count))
            writeRaw(UnsafeRawBufferPointer(utf8))
        }
    }

    /// Writes a map key or other constant text.
    @inlinable
    public mutating func writeText(_ value: StaticString) {
        writeHead(.textString, UInt64(value.utf8CodeUnitCount))
        writeRaw(UnsafeRawBufferPointer(start: value.utf8Start, count: value.utf8CodeUnitCount))
    }

    /// Writes a byte string.
    @inlinable
    public mutating func writeBytes(_ value: [UInt8]) {
        writeHead(.byteString, UInt64(value.count))
        value.withUnsafeBytes { writeRaw($0) }
    }

    /// Writes the head of an array of `count` elements.
    @inlinable
    public mutating func writeArrayHeader(count: Int) {
        writeHead(.array, UInt64(count))
    }

    /// Writes the head of a map of `count` pairs.
    @inlinable
    public mutating func writeMapHeader(count: Int) {
        writeHead(.map, UInt64(count))
    }

    /// Writes an array of text strings, or `null` for `nil` (a Go nil slice without `omitempty`).
    @inlinable
    public mutating func writeTextArray(_ values: [String]?) {
        guard let values else { return writeNull() }
        writeArrayHeader(count: values.count)
        for value in values { writeText(value) }
    }

    /// Writes an encodable value.
    @inlinable
    public mutating func write(_ value: some CBOREncodable) {
        value.encode(to: &self)
    }

    /// Writes an array of encodable values, or `null` for `nil`.
    @inlinable
    public mutating func writeArray(_ values: [some CBOREncodable]?) {
        guard let values else { return writeNull() }
        writeArrayHeader(count: values.count)
        for value in values { value.encode(to: &self) }
    }
}
