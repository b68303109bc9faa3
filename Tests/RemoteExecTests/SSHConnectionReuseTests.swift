import AgentProto
import Synchronization
import Testing

@testable import RemoteExec

@Suite("One connection per host", .timeLimit(.minutes(1)))
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
}
