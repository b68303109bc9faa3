/// Bytes a remote command wrote to one of its output streams.
public struct SSHChannelChunk: Hashable, Sendable {
    /// Which output stream.
    public enum Stream: Hashable, Sendable {
        /// The command's standard output (channel data).
        case standardOutput
        /// The command's standard error (extended data type 1, RFC 4254 §5.2).
        case standardError
    }

    /// Which stream the bytes were written to.
    public var stream: Stream
    /// The bytes, in order within their stream.
    public var bytes: [UInt8]

    /// Creates a chunk.
    public init(stream: Stream, bytes: [UInt8]) {
        self.stream = stream
        self.bytes = bytes
    }
}
