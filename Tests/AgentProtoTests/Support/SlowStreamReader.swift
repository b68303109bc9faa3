import AgentProto
import Testing

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

/// Reads all `streams` at once, each slowly, and expects each to carry exactly `expected(number)`.
func expectSlowReaders(
    _ streams: [(number: UInt32, reader: MuxStream)], carrying expected: @escaping @Sendable (UInt32) -> [UInt8]
) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for (number, reader) in streams {
            group.addTask {
                let received = try await reader.readAllSlowly()
                let bytes = expected(number)
                #expect(received.count == bytes.count)
                #expect(received == bytes)
            }
        }
        try await group.waitForAll()
    }
}
