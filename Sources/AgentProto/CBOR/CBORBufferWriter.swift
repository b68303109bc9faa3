/// The write pass: writes canonical CBOR into memory sized by the size pass, without bounds growth.
public struct CBORBufferWriter: CBORSink {
    @usableFromInline let buffer: UnsafeMutableRawBufferPointer
    @usableFromInline var written = 0

    /// Bytes counted or written so far.
    public var count: Int { written }

    /// Creates a writer at the start of `buffer`, which must be large enough for everything written.
    public init(_ buffer: UnsafeMutableRawBufferPointer) {
        self.buffer = buffer
    }

    @inlinable
    public mutating func writeHead(_ majorType: CBORMajorType, _ argument: UInt64) {
        let initial = majorType.rawValue << 5
        switch argument {
        case 0..<24:
            writeRawByte(initial | UInt8(argument))
        case 24...0xff:
            writeRawByte(initial | 24)
            writeRawByte(UInt8(argument))
        case 0x100...0xffff:
            writeRawByte(initial | 25)
            store(UInt16(argument).bigEndian)
        case 0x1_0000...0xffff_ffff:
            writeRawByte(initial | 26)
            store(UInt32(argument).bigEndian)
        default:
            writeRawByte(initial | 27)
            store(argument.bigEndian)
        }
    }

    @inlinable
    mutating func store<T: FixedWidthInteger>(_ value: T) {
        precondition(written + MemoryLayout<T>.size <= buffer.count, "CBOR size pass and write pass disagree")
        buffer.storeBytes(of: value, toByteOffset: written, as: T.self)
        written += MemoryLayout<T>.size
    }

    @inlinable
    public mutating func writeRaw(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        precondition(written + bytes.count <= buffer.count, "CBOR size pass and write pass disagree")
        UnsafeMutableRawBufferPointer(rebasing: buffer[written..<written + bytes.count]).copyMemory(from: bytes)
        written += bytes.count
    }

    @inlinable
    public mutating func writeRawByte(_ byte: UInt8) {
        precondition(written < buffer.count, "CBOR size pass and write pass disagree")
        buffer[written] = byte
        written += 1
    }
}

@available(*, unavailable)
extension CBORBufferWriter: Sendable {}
