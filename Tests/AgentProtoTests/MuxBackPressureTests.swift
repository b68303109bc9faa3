import AgentProto
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Mux back-pressure keeps memory bounded", .timeLimit(.minutes(1)))
struct MuxBackPressureTests {
    private static let chunkSize = 16 * 1024
    /// Bytes one read or one delivered batch may add beyond a budget: the socket read buffer, or a
    /// whole outbound batch of the in-memory pair.
    private static let readSlack = 64 * 1024

    private static func smallBudgets() -> MuxConfiguration {
        var configuration = MuxConfiguration()
        configuration.inboundWatermarks = MuxWatermarks(low: 64 * 1024, high: 256 * 1024)
        configuration.outboundWatermarks = MuxWatermarks(low: 32 * 1024, high: 128 * 1024)
        return configuration
    }

    @Test(
        "a producer far faster than the consumer: buffered bytes on both sides stay within the watermarks",
        arguments: MuxTestTransport.allCases.filter { $0 != .inMemoryByteByByte })
    func fastProducerSlowConsumer(_ kind: MuxTestTransport) async throws {
        let configuration = Self.smallBudgets()
        let connection = try MuxTestConnection(kind, client: configuration, agent: configuration)
        let output = try connection.client.openStream(1)
        connection.start()
        let chunkCount = 512  // 8 MiB
        let peakOutbound = Mutex(0)
        let agent = connection.agent
        let producer = Task {
            try await onDedicatedThread {
                let payload = [UInt8](repeating: 0x5A, count: Self.chunkSize)
                for _ in 0..<chunkCount {
                    try agent.sendBlocking(.data(stream: 1, payload))
                    let queued = agent.outboundByteCount
                    peakOutbound.withLock { $0 = max($0, queued) }
                }
                try agent.sendBlocking(.eof(stream: 1))
            }
        }
        var received = 0
        var peakInbound = 0
        var chunks = 0
        for try await chunk in output {
            received += chunk.count
            peakInbound = max(peakInbound, connection.client.inboundBufferedByteCount)
            chunks += 1
            // The consumer works on every fourth chunk; the producer never pauses of its own accord.
            if chunks % 4 == 0 { try await Task.sleep(for: .milliseconds(1)) }
        }
        try await producer.value
        #expect(received == chunkCount * Self.chunkSize)
        let outboundBound = configuration.outboundWatermarks.high + Self.chunkSize + 64
        let inboundBound = configuration.inboundWatermarks.high + outboundBound + Self.readSlack
        let outbound = peakOutbound.withLock { $0 }
        print(
            "[\(kind)] peak inbound buffered \(peakInbound) B (bound \(inboundBound)), peak outbound queued \(outbound) B (bound \(outboundBound))"
        )
        #expect(peakInbound <= inboundBound)
        #expect(outbound <= outboundBound)
        connection.close()
    }

    @Test(
        "async send suspends above the outbound high watermark while the agent reads stdin slowly",
        arguments: MuxTestTransport.allCases.filter { $0 != .inMemoryByteByByte })
    func asyncSendSuspends(_ kind: MuxTestTransport) async throws {
        let configuration = Self.smallBudgets()
        let connection = try MuxTestConnection(kind, client: configuration, agent: configuration)
        let stdin = try connection.agent.openStream(0)
        connection.start()
        let reader = Task {
            try await onDedicatedThread {
                var total = 0
                while let chunk = try stdin.readBlocking() {
                    total += chunk.count
                    usleep(200)
                }
                return total
            }
        }
        let payload = [UInt8](repeating: 1, count: Self.chunkSize)
        var peak = 0
        for _ in 0..<256 {
            try await connection.client.send(.data(stream: 0, payload))
            peak = max(peak, connection.client.outboundByteCount)
        }
        try await connection.client.send(.eof(stream: 0))
        #expect(try await reader.value == 256 * Self.chunkSize)
        #expect(peak <= configuration.outboundWatermarks.high + Self.chunkSize + 64)
        connection.close()
    }

    @Test(
        "an unread stream beyond the budget pauses reading, and everything flows again once it is read",
        arguments: MuxTestTransport.allCases.filter { $0 != .inMemoryByteByByte })
    func overBudgetRecovers(_ kind: MuxTestTransport) async throws {
        let configuration = Self.smallBudgets()
        let connection = try MuxTestConnection(kind, client: configuration, agent: configuration)
        let output = try connection.client.openStream(1)
        connection.start()
        let agent = connection.agent
        let total = 64 * Self.chunkSize  // 1 MiB: four times the inbound budget
        let producer = Task {
            try await onDedicatedThread {
                let payload = [UInt8](repeating: 7, count: Self.chunkSize)
                for _ in 0..<64 { try agent.sendBlocking(.data(stream: 1, payload)) }
                try agent.sendBlocking(.eof(stream: 1))
                try agent.sendBlocking(.exit(code: 9))
            }
        }
        // Wait (without a deadline: the suite's time limit catches a hang) until the budget is full.
        while connection.client.inboundBufferedByteCount < configuration.inboundWatermarks.high {
            try await Task.sleep(for: .milliseconds(1))
        }
        let buffered = connection.client.inboundBufferedByteCount
        #expect(
            buffered <= configuration.inboundWatermarks.high + Self.readSlack + configuration.outboundWatermarks.high)
        var received = 0
        for try await chunk in output { received += chunk.count }
        #expect(received == total)
        #expect(try await connection.client.exitStatus().code == 9)
        try await producer.value
        connection.close()
    }

    @Test(
        "the agent gets Signal while its child does not read the stdin the client sent",
        arguments: MuxTestTransport.allCases.filter { $0 != .inMemoryByteByByte })
    func signalPassesUnreadStdin(_ kind: MuxTestTransport) async throws {
        let signal = Completion<Int>()
        var handlers = MuxHandlers()
        handlers.signal = { signal.complete($0) }
        let connection = try MuxTestConnection(kind, agentHandlers: handlers)
        let stdin = try connection.agent.openStream(0)
        connection.start()
        let payload = [UInt8](repeating: 2, count: 32 * 1024)
        for _ in 0..<32 { try await connection.client.send(.data(stream: 0, payload)) }  // 1 MiB nobody reads
        try await connection.client.send(.signal(2))
        #expect(await signal.value == 2)
        stdin.close()
        connection.close()
    }
}
