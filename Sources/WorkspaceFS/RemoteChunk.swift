/// Bytes from one ReadAt.
public struct RemoteChunk: Hashable, Sendable {
    /// The bytes read.
    public var bytes: [UInt8]
    /// Whether the read stopped at end of file before filling the request.
    public var isEndOfFile: Bool

    /// Creates a chunk.
    public init(bytes: [UInt8], isEndOfFile: Bool) {
        self.bytes = bytes
        self.isEndOfFile = isEndOfFile
    }
}
