import AgentProto
import Synchronization
import Testing

@testable import RemoteExec

@Suite("One connection per host, and a warm spare agent channel", .timeLimit(.minutes(1)))
struct SSHConnectionReuseTests {
    @Test("concurrent callers share one connection; a lost connection is replaced")
    func pool() async throws {
        try await withTestSSHServer { server in
            let pool = SSHConnectionPool()
            let destination = Destination(host: server.alias)
            async let first = pool.connection(to: destination, overrides: server.overrides)
            async let second = pool.connection(to: destination, overrides: server.overrides)
            let (a, b) = try await (first, second)
            #expect(a === b)
            #expect(try await a.run("echo one").standardOutputText == "one\n")

            server.killConnections()
            _ = try? await a.run("true")
            let replacement = try await pool.connection(to: destination, overrides: server.overrides)
            #expect(replacement !== a)
            #expect(try await replacement.run("echo two").standardOutputText == "two\n")
            await pool.closeAll()
        }
    }

    @Test("keepsSpare starts the next agent channel ahead; the next call takes it and it works")
    func spareTransport() async throws {
        try await withTestSSHServer { server in
            let connection = try await server.connect()
            defer { connection.close() }
            let first = try await connection.startTransport(command: "cat", keepsSpare: true)
            let spare = try #require(connection.spareTransports.withLock { $0["cat"] })
            try await spare.waitUntilStarted()
            let second = try await connection.startTransport(command: "cat", keepsSpare: true)
            #expect(second === spare)
            #expect(connection.spareTransports.withLock { $0["cat"] } !== spare)

            let endpoint = RecordingEndpoint()
            let frame = Frame.data(stream: 1, Array("warm".utf8)).encodedBytes()
            endpoint.queue(frame)
            second.start(endpoint)
            second.outboundBytesAvailable()
            var received: [UInt8] = []
            for await event in endpoint.events {
                if case .bytes(let bytes) = event {
                    received += bytes
                    if received.count == frame.count { second.close() }
                }
            }
            #expect(received == frame)
            first.close()
        }
    }
}
