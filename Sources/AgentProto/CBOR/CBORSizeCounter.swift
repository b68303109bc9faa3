/// The size pass: counts the bytes an encoding will take without writing them.
public struct CBORSizeCounter: CBORSink {
    @usableFromInline var written = 0

    /// Bytes counted or written so far.
    public var count: Int { written }

    /// Creates a counter at zero.
    public init() {}

    @inlinable
    public mutating func writeHead(_ majorType: CBORMajorType, _ argument: UInt64) {
        written += CBORHead.length(ofArgument: argument)
    }

    @inlinable
    public mutating func writeRaw(_ bytes: UnsafeRawBufferPointer) {
        written += bytes.count
    }

    @inlinable
    public mutating func writeRawByte(_ byte: UInt8) {
        written += 1
    }
}
