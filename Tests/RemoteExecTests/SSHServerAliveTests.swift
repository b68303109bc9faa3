import Testing

@testable import RemoteExec

#if canImport(Glibc)
    import Glibc
#endif

@Suite("ServerAliveInterval × ServerAliveCountMax against a throwaway sshd", .timeLimit(.minutes(1)))
struct SSHServerAliveTests {
    /// Connects through an ssh_config that adds `ServerAliveInterval 1` and `ServerAliveCountMax 2`.
    static func connectWithKeepalives(_ server: TestSSHServer) async throws -> SSHConnection {
        let file = try server.writeConfiguration(
            named: "ssh_config-keepalive", adding: ["ServerAliveInterval 1", "ServerAliveCountMax 2"])
        let connection = try await server.connect(
            overrides: SSHConnectionOverrides(configurationFile: file, allowsTerminalPrompts: false))
        #expect(connection.configuration.serverAliveInterval == 1)
        #expect(connection.configuration.serverAliveCountMax == 2)
        return connection
    }

    @Test("a stalled server (sshd SIGSTOPped) ends the connection with OpenSSH's timeout; every caller hears it")
    func stalledServerTimesOut() async throws {
        try await withTestSSHServer { server in
            let connection = try await Self.connectWithKeepalives(server)
            defer { connection.close() }
            let channel = try await connection.execute("echo started; exec sleep 30")
            var output = channel.output.makeAsyncIterator()
            let first = try await output.next()
            #expect(first?.bytes == Array("started\n".utf8))
            server.signalConnections(SIGSTOP)
            defer { server.signalConnections(SIGCONT) }

            let failure: SSHError?
            do {
                while try await output.next() != nil {}
                failure = nil
            } catch let error as SSHError {
                failure = error
            }
            let error = try #require(failure, "the command's output ended without an error")
            #expect(error.code == .timedOut)
            // The seconds are measured, so only the rest of the line is compared.
            #expect(
                error.description.hasPrefix("Timeout, server 127.0.0.1 not responding (no answer to 2 keepalives in "),
                "\(error)")
            #expect(error.description.hasSuffix(" s)"), "\(error)")
            await #expect(throws: SSHError.self) { _ = try await channel.exitStatus() }
            let later = await #expect(throws: SSHError.self) { _ = try await connection.execute("true") }
            #expect(later?.code == .timedOut, "a later request hears the same reason: \(String(describing: later))")
            #expect(await !connection.isConnected)
        }
    }

    @Test("an idle, healthy connection with keepalives on survives several intervals")
    func idleConnectionSurvives() async throws {
        try await withTestSSHServer { server in
            let connection = try await Self.connectWithKeepalives(server)
            defer { connection.close() }
            // Five intervals of silence: keepalives go out and their answers count as the server alive.
            let idle = try await connection.run("sleep 5; echo still here")
            #expect(idle.standardOutputText == "still here\n")
            #expect(idle.status == .exited(0))
            try await Task.sleep(for: .seconds(3))
            #expect(await connection.isConnected)
            #expect(try await connection.run("echo again").standardOutputText == "again\n")
        }
    }
}
