import Testing

@testable import RemoteExec

@Suite("SSH connection against a throwaway sshd", .timeLimit(.minutes(1)))
struct SSHConnectionTests {
    @Test("echo hi: exact stdout, empty stderr, exit 0")
    func echo() async throws {
        try await withTestSSHServer { server in
            let connection = try await server.connect()
            defer { connection.close() }
            let result = try await connection.run("echo hi")
            #expect(result.standardOutputText == "hi\n")
            #expect(result.standardErrorText == "")
            #expect(result.status == .exited(0))
        }
    }

    @Test("stdout and stderr are kept apart", arguments: [0, 1, 3, 42, 255])
    func exitCodes(code: Int32) async throws {
        try await withTestSSHServer { server in
            let connection = try await server.connect()
            defer { connection.close() }
            let result = try await connection.run("printf out; printf err >&2; exit \(code)")
            #expect(result.standardOutputText == "out")
            #expect(result.standardErrorText == "err")
            #expect(result.status == .exited(code))
            #expect(result.status.shellStatus == code)
        }
    }

    @Test("a command killed by a signal reports the signal")
    func signal() async throws {
        try await withTestSSHServer { server in
            let connection = try await server.connect()
            defer { connection.close() }
            let result = try await connection.run("exec sh -c 'kill -TERM $$'")
            #expect(result.status.shellStatus == 128 + 15)
        }
    }
}
