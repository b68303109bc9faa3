import AgentProto
import Testing

@Suite("Mux over the in-memory pair", .timeLimit(.minutes(1)))
struct MuxInMemoryTests {
    @Test("stream data and EOF arrive in order, then Exit with its error text")
    func streamsAndExit() async throws {
        let pair = InMemoryTransportPair(maximumChunkSize: 1)
        let client = Mux(transport: pair.first)
        let agent = Mux(transport: pair.second)
        let output = try client.openStream(1)
        let errors = try client.openStream(2)
        client.start()
        agent.start()
        try agent.sendBlocking(.data(stream: 1, Array("hello ".utf8)))
        try agent.sendBlocking(.data(stream: 2, Array("oops".utf8)))
        try agent.sendBlocking(.data(stream: 1, []))
        try agent.sendBlocking(.data(stream: 1, Array("world".utf8)))
        try agent.sendBlocking(.eof(stream: 1))
        try agent.sendBlocking(.eof(stream: 2))
        try agent.sendBlocking(.exit(code: 127, error: "command not found"))
        var collected: [UInt8] = []
        for try await chunk in output { collected += chunk }
        #expect(String(decoding: collected, as: UTF8.self) == "hello world")
        var collectedErrors: [UInt8] = []
        for try await chunk in errors { collectedErrors += chunk }
        #expect(collectedErrors == Array("oops".utf8))
        let status = try await client.exitStatus()
        #expect(status == MuxExitStatus(code: 127, error: "command not found"))
        client.close()
        agent.close()
    }
}
