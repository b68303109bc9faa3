import Foundation
import RemoteExec

extension TestSSHServer {
    /// Overrides that read this server's ssh_config and never prompt.
    var overrides: SSHConnectionOverrides {
        SSHConnectionOverrides(configurationFile: configurationFile, allowsTerminalPrompts: false)
    }

    /// Connects to this server through its ssh_config alias.
    func connect(overrides: SSHConnectionOverrides? = nil) async throws -> SSHConnection {
        try await SSHConnection.connect(to: Destination(host: alias), overrides: overrides ?? self.overrides)
    }
}

/// Starts a server, runs `body`, and stops the server however `body` ends.
func withTestSSHServer<Result>(_ body: (TestSSHServer) async throws -> Result) async throws -> Result {
    let server = try await onDedicatedThread { try TestSSHServer.start() }
    do {
        let result = try await body(server)
        await onDedicatedThread { server.stop() }
        return result
    } catch {
        let log = server.log
        await onDedicatedThread { server.stop() }
        throw FixtureFailure(underlying: error, serverLog: log)
    }
}

/// Runs blocking fixture work (ssh-keygen, waiting for sshd) on a thread of its own: blocking the
/// cooperative pool (two threads on a two-core machine) would stall every other test.
func onDedicatedThread<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// Runs blocking fixture work that cannot fail on a thread of its own.
func onDedicatedThread(_ work: @escaping @Sendable () -> Void) async {
    await withCheckedContinuation { continuation in
        Thread {
            work()
            continuation.resume()
        }.start()
    }
}

/// A test failure with the sshd log attached, so a failing CI run shows the server's side.
struct FixtureFailure: Error, CustomStringConvertible {
    var underlying: any Error
    var serverLog: String
    var description: String { "\(underlying)\n--- sshd log ---\n\(serverLog.suffix(4000))" }
}
