import AgentProto
import Foundation
import Synchronization
import Testing

@testable import RemoteExec

/// The execution API (``RemoteHost``) over libssh against a throwaway sshd.
@Suite("RemoteHost over SSH", .timeLimit(.minutes(2)))
struct RemoteHostOverSSHTests {
    /// The setup phases a host reported ("connect+auth", "verify", "install").
    final class Phases: Sendable {
        let seen = Mutex<[String]>([])
    }

    static func options(_ server: TestSSHServer, phases: Phases? = nil) -> RemoteHostOptions {
        RemoteHostOptions(
            sshOverrides: server.overrides, agentPath: MProxyChild.builtAgent,
            progress: { phase, _, _ in phases?.seen.withLock { $0.append(phase) } })
    }

    static func collect(_ stream: MuxStream) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in stream { bytes += chunk }
        return bytes
    }

    static func connect(_ server: TestSSHServer, phases: Phases? = nil) async throws -> RemoteHost {
        try await RemoteHost.connect(
            to: .ssh(Destination(host: server.alias)), options: options(server, phases: phases))
    }

    @Test("20 commands at once share one SSH connection, each with its own agent and exact output")
    func twentyConcurrentCommands() async throws {
        try await withTestSSHServer { server in
            let host = try await Self.connect(server)
            defer { host.close() }
            let outputs = try await withThrowingTaskGroup(of: (Int, String, TerminationStatus).self) { group in
                for index in 0..<20 {
                    group.addTask {
                        let command = RemoteCommand(
                            executable: "sh", arguments: ["-c", "echo $1; echo err$1 >&2; exit $1", "sh", "\(index)"])
                        let process = try await host.start(command)
                        async let errors = Self.collect(process.standardError)
                        let output = try await Self.collect(process.standardOutput)
                        #expect(try await errors == Array("err\(index)\n".utf8))
                        return (index, String(decoding: output, as: UTF8.self), try await process.terminationStatus())
                    }
                }
                var results: [Int: (String, TerminationStatus)] = [:]
                for try await (index, output, status) in group { results[index] = (output, status) }
                return results
            }
            #expect(outputs.count == 20)
            for (index, (output, status)) in outputs {
                #expect(output == "\(index)\n")
                #expect(status.code == index)
            }
            let logins = server.log.components(separatedBy: "Accepted publickey").count - 1
            #expect(logins == 1, "one connection carried every command")
        }
    }

    @Test("the agent is installed by the first connection only; later connections verify and reuse it")
    func installOnceThenReuse() async throws {
        try await withTestSSHServer { server in
            for round in 0..<2 {
                let phases = Phases()
                let host = try await Self.connect(server, phases: phases)
                let status = try await host.run(RemoteCommand(executable: "true")) { _ in }
                host.close()
                #expect(status.isSuccess)
                let seen = phases.seen.withLock { $0 }
                #expect(seen.contains("install") == (round == 0), "round \(round): \(seen)")
                #expect(seen.contains("verify"), "\(seen)")
            }
        }
    }

    @Test("a command started after the first runs on the spare agent and sees its own input")
    func spareAgentServesTheNextCommand() async throws {
        try await withTestSSHServer { server in
            let host = try await Self.connect(server)
            defer { host.close() }
            for text in ["first", "second", "third"] {
                let process = try await host.start(RemoteCommand(executable: "cat"))
                try await process.standardInput.write(Array(text.utf8))
                try await process.standardInput.close()
                #expect(try await Self.collect(process.standardOutput) == Array(text.utf8))
                #expect(try await process.terminationStatus().isSuccess)
                #expect(process.agentPath.hasPrefix(server.home + "/.cache/mproxy/agent/"))
            }
        }
    }

    @Test(
        "commands one after another run on the agent the previous one ended on (exec-reuse), each with its own input and output"
    )
    func keptAgentRunsTheNextCommand() async throws {
        try await withTestSSHServer { server in
            let host = try await Self.connect(server)
            defer { host.close() }
            var agents: [String] = []
            for text in ["one", "two", "three"] {
                let process = try await host.start(
                    RemoteCommand(
                        executable: "/bin/sh", arguments: ["-c", "cat; echo \" $PPID\""],
                        environment: ["PATH=/usr/bin:/bin"]))
                try await process.standardInput.write(Array(text.utf8))
                try await process.standardInput.close()
                let output = String(decoding: try await Self.collect(process.standardOutput), as: UTF8.self)
                #expect(try await process.terminationStatus().isSuccess)
                #expect(output.hasPrefix(text + " "))
                agents.append(String(output.dropFirst(text.count + 1)))
            }
            #expect(Set(agents).count == 1)
        }
    }

    @Test("a command that cannot start reports 127 even while input is still being sent to its agent")
    func startFailureWhileSendingInput() async throws {
        try await withTestSSHServer { server in
            let host = try await Self.connect(server)
            defer { host.close() }
            // The agent answers Exit 127 and ends at once; input written meanwhile hits a closed
            // channel, and that must not hide the Exit frame already on its way.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for lane in 0..<8 {
                    group.addTask {
                        for round in 0..<6 {
                            let process = try await host.start(
                                RemoteCommand(executable: "pwd", workingDirectory: "/nonexistent-dir"))
                            for _ in 0..<40 {
                                do {
                                    try await process.standardInput.write(Array(repeating: 0x61, count: 512))
                                } catch {
                                    break
                                }
                                try await Task.sleep(for: .milliseconds(1))
                            }
                            try? await process.standardInput.close()
                            let status = try await process.terminationStatus()
                            #expect(status.code == 127, "lane \(lane) round \(round)")
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test("a lost connection ends a running command with connectionLost")
    func lostConnection() async throws {
        try await withTestSSHServer { server in
            let host = try await Self.connect(server)
            defer { host.close() }
            let process = try await host.start(
                RemoteCommand(executable: "sh", arguments: ["-c", "echo up; exec sleep 30"]))
            var iterator = process.standardOutput.makeAsyncIterator()
            #expect(try await iterator.next() == Array("up\n".utf8))
            server.killConnections()
            let error = await #expect(throws: ExecutionError.self) { try await process.terminationStatus() }
            #expect(error?.code == .connectionLost)
        }
    }

    @Test(
        "file operations from a task on the session thread are answered there, and a lost connection fails them instead of stranding the task"
    )
    func fileOperationsOnTheSessionThread() async throws {
        try await withTestSSHServer { server in
            let host = try await Self.connect(server)
            defer { host.close() }
            let service = try await host.startFileService()
            defer { service.close() }
            let executor = try #require(service.mux.receivingExecutor)
            let threads = try await withTaskExecutorPreference(executor) {
                var threads: [pthread_t] = []
                for _ in 0..<20 {
                    let root = try await service.mux.fileOperation(FileOperationRequest(operation: .stat, path: "/"))
                    #expect(root.errno == 0 && root.status?.isDirectory == true)
                    let missing = try await service.mux.fileOperation(
                        FileOperationRequest(operation: .stat, path: "/no/such/file"))
                    #expect(missing.errno == 2)
                    threads.append(pthread_self())
                }
                return threads
            }
            #expect(threads.allSatisfy { pthread_equal($0, threads[0]) != 0 })
            server.killConnections()
            await #expect(throws: MuxError.self) {
                try await withTaskExecutorPreference(executor) {
                    while true {
                        _ = try await service.mux.fileOperation(FileOperationRequest(operation: .stat, path: "/"))
                    }
                }
            }
        }
    }
}
