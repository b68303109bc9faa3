// A RemoteHost keeps agents between commands (exec-reuse): the next command runs on the agent the
// last one ended on, gets nothing of it, and an agent that went away is never handed out.

import AgentProto
import Foundation
import RemoteExec
import Testing

@Suite("RemoteHost keeps agents between commands", .timeLimit(.minutes(1)))
struct AgentReuseTests {
    /// Runs `script` under `sh -c`, feeding `input`, and returns its standard output and status.
    private func run(
        _ script: String, on host: RemoteHost, environment: [String]? = ["PATH=/usr/bin:/bin"], input: [UInt8] = []
    ) async throws -> (output: String, status: TerminationStatus) {
        let process = try await host.start(
            RemoteCommand(executable: "/bin/sh", arguments: ["-c", script], environment: environment))
        async let output = process.standardOutput.reduce(into: [UInt8]()) { $0 += $1 }
        async let errors = process.standardError.reduce(into: [UInt8]()) { $0 += $1 }
        if !input.isEmpty { try await process.standardInput.write(input) }
        try await process.standardInput.close()
        let status = try await process.terminationStatus()
        _ = try await errors
        return (String(decoding: try await output, as: UTF8.self), status)
    }

    /// The agent's process id: the parent of the shell it ran.
    private func agentProcess(on host: RemoteHost, environment: [String]? = ["PATH=/usr/bin:/bin"]) async throws
        -> String
    {
        try await run("echo $PPID", on: host, environment: environment).output
    }

    @Test("Commands run one after another on one agent; a failed start does not lose it")
    func sequentialCommandsShareAnAgent() async throws {
        let host = try await BuiltAgent.localHost()
        defer { host.close() }
        let first = try await agentProcess(on: host)
        #expect(try await agentProcess(on: host) == first)
        let missing = try await host.run(RemoteCommand(executable: "no-such-program-mproxy", environment: [])) { _ in }
        #expect(missing.code == 127)
        #expect(try await agentProcess(on: host) == first)
    }

    @Test("Input the last command left unread does not reach the next one")
    func leftoverInputIsDropped() async throws {
        let host = try await BuiltAgent.localHost()
        defer { host.close() }
        for size in [64 << 10, 1 << 20] {
            // `true` exits at once; what is sent to it is still on its way when the Exit arrives
            // (the agent drops it), or still queued here (the agent is kept once it is written).
            let ignored = try await run("true", on: host, input: [UInt8](repeating: 0x78, count: size))
            #expect(ignored.status.code == 0)
            for _ in 0..<2 {
                let next = try await run("cat; echo end", on: host, input: Array("mine\n".utf8))
                #expect(next.output == "mine\nend\n")
            }
        }
    }

    @Test("Concurrent commands each get an agent of their own, and the host keeps some for later")
    func concurrentCommands() async throws {
        let host = try await BuiltAgent.localHost()
        defer { host.close() }
        let agents = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<6 { group.addTask { try await self.run("sleep 0.2; echo $PPID", on: host).output } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(agents.count == 6)
        #expect(agents.contains(try await agentProcess(on: host)))
    }

    @Test("An agent that died while idle is not handed out again")
    func deadIdleAgentIsReplaced() async throws {
        let host = try await BuiltAgent.localHost()
        defer { host.close() }
        let first = try await agentProcess(on: host)
        let pid = try #require(Int32(first.trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(pid, SIGKILL)
        let second = try await agentProcess(on: host)
        #expect(!second.isEmpty)
        #expect(second != first)
    }

    @Test(
        "Commands that inherit the environment reuse agents once the host learned they may, and keep the whole environment"
    )
    func inheritedEnvironment() async throws {
        let host = try await BuiltAgent.localHost()
        defer { host.close() }
        // The first two go without Config (nothing is known yet); the second starts the lesson.
        var agents: [String] = []
        for _ in 0..<8 {
            let result = try await run("echo $PPID ${PATH:+has-path}", on: host, environment: nil)
            #expect(result.output.hasSuffix(" has-path\n"))
            agents.append(result.output)
            if agents.count >= 2, agents[agents.count - 1] == agents[agents.count - 2] { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(agents.count >= 3)
        #expect(agents.last == agents.dropLast().last)
    }
}
