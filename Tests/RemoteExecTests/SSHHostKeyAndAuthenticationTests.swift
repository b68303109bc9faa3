import Foundation
import Testing

@testable import RemoteExec

@Suite("Host keys, authentication and lost connections", .timeLimit(.minutes(1)))
struct SSHHostKeyAndAuthenticationTests {
    @Test("an unknown host is refused with its SHA256 fingerprint and the exact command to accept it")
    func unknownHostRefused() async throws {
        try await withTestSSHServer { server in
            try server.writeKnownHosts("")
            let error = await #expect(throws: SSHError.self) { try await server.connect() }
            #expect(error?.code == .hostKeyUnknown)
            #expect(error?.message.contains("ssh-ed25519 key SHA256:") == true, "\(String(describing: error))")
            let command =
                "mproxy exec --accept-new -F \(ShellQuoting.quote(server.configurationFile)) \(server.alias) -- true"
            #expect(error?.message.contains(command) == true, "\(error?.message ?? "")")
            #expect(error?.message.contains("StrictHostKeyChecking accept-new") == true)
            #expect(try server.readKnownHosts() == "")
        }
    }

    @Test("--accept-new adds the key to the configured known_hosts, and the next connection uses it")
    func acceptNewAddsKey() async throws {
        try await withTestSSHServer { server in
            try server.writeKnownHosts("")
            var overrides = server.overrides
            overrides.acceptsNewHostKey = true
            let first = try await server.connect(overrides: overrides)
            #expect(try await first.run("true").status == .exited(0))
            first.close()
            let knownHosts = try server.readKnownHosts()
            #expect(knownHosts.contains("[127.0.0.1]:\(server.port) \(server.hostPublicKey)"))
            let second = try await server.connect()
            defer { second.close() }
            #expect(try await second.run("echo again").standardOutputText == "again\n")
        }
    }

    @Test("HostKeyAlias: the key is looked up, refused and saved under the alias, as OpenSSH does")
    func hostKeyAlias() async throws {
        try await withTestSSHServer { server in
            var overrides = server.overrides
            overrides.configurationFile = try server.writeConfiguration(
                named: "aliased_config", adding: ["HostKeyAlias build-box"])
            // An alias spelled like the entry known_hosts already has finds it.
            var bracketed = server.overrides
            bracketed.configurationFile = try server.writeConfiguration(
                named: "bracketed_config", adding: ["HostKeyAlias [127.0.0.1]:\(server.port)"])
            try await server.connect(overrides: bracketed).close()
            // known_hosts has the key under [127.0.0.1]:port only: unknown under the alias.
            let error = await #expect(throws: SSHError.self) { try await server.connect(overrides: overrides) }
            #expect(error?.code == .hostKeyUnknown)
            #expect(
                error?.message.contains("the host build-box is not in known_hosts") == true, "\(error?.message ?? "")")

            try server.writeKnownHosts("build-box \(server.hostPublicKey)\n")
            let connection = try await server.connect(overrides: overrides)
            #expect(try await connection.run("echo aliased").standardOutputText == "aliased\n")
            connection.close()

            try server.writeKnownHosts("")
            overrides.acceptsNewHostKey = true
            try await server.connect(overrides: overrides).close()
            #expect(try server.readKnownHosts() == "build-box \(server.hostPublicKey)\n")
        }
    }

    @Test("a changed host key is refused with both fingerprints and the ssh-keygen -R command, even with --accept-new")
    func changedKeyRefused() async throws {
        try await withTestSSHServer { server in
            let otherKey = try server.generateKey(named: "impostor")
            let otherPublic = try String(contentsOfFile: otherKey + ".pub", encoding: .utf8)
                .split(separator: " ").prefix(2).joined(separator: " ")
            try server.writeKnownHosts("[127.0.0.1]:\(server.port) \(otherPublic)\n")
            var overrides = server.overrides
            overrides.acceptsNewHostKey = true
            let error = await #expect(throws: SSHError.self) { try await server.connect(overrides: overrides) }
            #expect(error?.code == .hostKeyChanged)
            #expect(error?.message.contains("CHANGED") == true)
            #expect(
                error?.message.components(separatedBy: "SHA256:").count == 3,
                "both fingerprints: \(error?.message ?? "")")
            #expect(
                error?.message.contains(
                    "ssh-keygen -f \(ShellQuoting.quote(server.knownHostsFile)) -R '[127.0.0.1]:\(server.port)'")
                    == true)
            #expect(try server.readKnownHosts() == "[127.0.0.1]:\(server.port) \(otherPublic)\n")
        }
    }

    @Test("a user key the server does not accept fails with a message naming what was tried")
    func wrongUserKeyRefused() async throws {
        try await withTestSSHServer { server in
            let wrongKey = try server.generateKey(named: "stranger")
            var overrides = server.overrides
            overrides.identityFiles = [wrongKey]
            let error = await #expect(throws: SSHError.self) { try await server.connect(overrides: overrides) }
            #expect(error?.code == .authenticationFailed)
            #expect(error?.message.contains("\(wrongKey) (refused)") == true, "\(error?.message ?? "")")
            #expect(error?.message.contains("could not log in to \(server.user)@127.0.0.1") == true)
            #expect(error?.message.contains("-i KEY") == true)
        }
    }

    @Test("nothing listening: connectionFailed names the host and port")
    func nothingListening() async throws {
        let error = await #expect(throws: SSHError.self) {
            _ = try await SSHConnection.connect(
                to: Destination(host: "127.0.0.1", port: 1),
                overrides: SSHConnectionOverrides(configurationFile: "/dev/null", allowsTerminalPrompts: false))
        }
        #expect(error?.code == .connectionFailed)
        #expect(error?.message.contains("127.0.0.1 port 1") == true)
    }

    @Test("the server dying mid-command fails the command with a clear 'disconnected' error")
    func serverKilledMidCommand() async throws {
        try await withTestSSHServer { server in
            let connection = try await server.connect()
            defer { connection.close() }
            let channel = try await connection.execute("echo started; exec sleep 30")
            var iterator = channel.output.makeAsyncIterator()
            let first = try await iterator.next()
            #expect(first?.bytes == Array("started\n".utf8))
            server.killConnections()
            await #expect(throws: SSHError.self) {
                while try await iterator.next() != nil {}
            }
            let error = await #expect(throws: SSHError.self) { try await channel.exitStatus() }
            #expect(error?.code == .disconnected)
            #expect(error?.message.contains("connection") == true)
            let next = await #expect(throws: SSHError.self) { try await connection.run("true") }
            #expect(next?.code == .disconnected)
            #expect(await connection.isConnected == false)
        }
    }
}
