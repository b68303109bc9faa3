import AgentProto

extension MuxStream {
    /// Reads the stream to its end, pausing a millisecond every eighth chunk: a consumer slower than
    /// its senders, so pipes fill and writes come out partial.
    func readAllSlowly() async throws -> [UInt8] {
        var received: [UInt8] = []
        var chunks = 0
        for try await chunk in self {
            received += chunk
            chunks += 1
            if chunks % 8 == 0 { try await Task.sleep(for: .milliseconds(1)) }
        }
        return received
    }
}
