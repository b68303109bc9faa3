/// The output of an ``SSHChannel`` as an async sequence of chunks.
public struct SSHChannelOutput: AsyncSequence, Sendable {
    /// The chunk type.
    public typealias Element = SSHChannelChunk

    let channel: SSHChannel

    /// Reads the channel's output chunk by chunk.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let channel: SSHChannel

        /// The next chunk, `nil` after the command closed its output.
        public mutating func next() async throws -> SSHChannelChunk? {
            try await channel.nextChunk()
        }
    }

    /// Starts reading.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(channel: channel)
    }
}
