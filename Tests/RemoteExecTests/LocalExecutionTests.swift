import AgentProto
import Foundation
import RemoteExec
import Testing

private struct Outcome: Sendable {
    var output: [UInt8]
    var errors: [UInt8]
    var status: TerminationStatus
}

private func run(_ command: RemoteCommand, input: [UInt8] = []) async throws -> Outcome {
    let host = try await RemoteHost.connect(to: .local, options: RemoteHostOptions(agentPath: BuiltAgent.path))
    defer { host.close() }
    let process = try await host.start(command)
    async let output = collect(process.standardOutput)
    async let errors = collect(process.standardError)
    try await process.standardInput.write(input)
    try await process.standardInput.close()
    let status = try await process.terminationStatus()
    return Outcome(output: try await output, errors: try await errors, status: status)
}

private func collect(_ stream: MuxStream) async throws -> [UInt8] {
    var bytes: [UInt8] = []
    for try await chunk in stream { bytes += chunk }
    return bytes
}

@Suite("Execution API over the local transport", .timeLimit(.minutes(1)))
struct LocalExecutionTests {
    @Test func echoesStandardInput() async throws {
        let input = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let outcome = try await run(RemoteCommand(executable: "cat"), input: input)
        #expect(outcome.output == input)
        #expect(outcome.status == TerminationStatus(code: 0))
    }

    @Test func separatesStandardErrorAndKeepsTheExitCode() async throws {
        let outcome = try await run(
            RemoteCommand(executable: "/bin/sh", arguments: ["-c", "echo out; echo err >&2; exit 3"]))
        #expect(String(decoding: outcome.output, as: UTF8.self) == "out\n")
        #expect(String(decoding: outcome.errors, as: UTF8.self) == "err\n")
        #expect(outcome.status.code == 3)
    }

    @Test func passesHostileArgumentsVerbatim() async throws {
        let hostile = ["$(touch /tmp/owned)", "a b", "'\"", "*", "\\n", "; rm -rf /", "", "ü\u{1}"]
        let outcome = try await run(RemoteCommand(executable: "/usr/bin/printf", arguments: ["%s\\n"] + hostile))
        #expect(String(decoding: outcome.output, as: UTF8.self) == hostile.map { $0 + "\n" }.joined())
    }

    @Test func reportsSignalsAndStartFailures() async throws {
        let signalled = try await run(RemoteCommand(executable: "/bin/sh", arguments: ["-c", "kill -TERM $$"]))
        #expect(signalled.status.code == 143)
        #expect(signalled.status.signal == 15)
        let missing = try await run(RemoteCommand(executable: "/nonexistent/program"))
        #expect(missing.status.code == 127)
        #expect(!missing.status.errorText.isEmpty)
    }

    @Test func appliesWorkingDirectoryAndEnvironment() async throws {
        var command = RemoteCommand(
            executable: "/bin/sh", arguments: ["-c", "pwd; echo $GREETING; echo ${SECRET:-none}"])
        command.workingDirectory = "/tmp"
        command.environment = ["GREETING=hello", "SECRET=x", "PATH=/usr/bin:/bin"]
        command.environmentKeep = ["GREETING", "PATH"]
        let outcome = try await run(command)
        #expect(String(decoding: outcome.output, as: UTF8.self) == "/tmp\nhello\nnone\n")
    }

    @Test func signalReachesTheProcessGroup() async throws {
        let host = try await RemoteHost.connect(to: .local, options: RemoteHostOptions(agentPath: BuiltAgent.path))
        defer { host.close() }
        let process = try await host.start(
            RemoteCommand(executable: "/bin/sh", arguments: ["-c", "echo ready; sleep 30"]))
        var iterator = process.standardOutput.makeAsyncIterator()
        let first = try await iterator.next()
        #expect(first.map { String(decoding: $0, as: UTF8.self) } == "ready\n")
        try process.send(signal: 2)
        let status = try await process.terminationStatus()
        #expect(status.code == 130)
    }

    @Test func runsTwentyCommandsConcurrently() async throws {
        let host = try await RemoteHost.connect(to: .local, options: RemoteHostOptions(agentPath: BuiltAgent.path))
        defer { host.close() }
        let outputs = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<20 {
                group.addTask {
                    let process = try await host.start(RemoteCommand(executable: "echo", arguments: ["\(index)"]))
                    let output = try await collect(process.standardOutput)
                    _ = try await process.terminationStatus()
                    return (index, String(decoding: output, as: UTF8.self))
                }
            }
            var results: [Int: String] = [:]
            for try await (index, output) in group { results[index] = output }
            return results
        }
        #expect(outputs.count == 20)
        for (index, output) in outputs { #expect(output == "\(index)\n") }
    }

    @Test(arguments: ["local", "local:", "host", "user@host", "host:2222", "[::1]:22", "ssh://u@h:22"])
    func parsesDestinations(text: String) throws {
        let destination = try ExecutionDestination(parsing: text)
        #expect((destination == .local) == text.hasPrefix("local"))
    }

    @Test("A file service on the host answers file operations, confined to its root, and announces byte-paths")
    func fileService() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("service-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/inside", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let host = try await RemoteHost.connect(to: .local, options: RemoteHostOptions(agentPath: BuiltAgent.path))
        defer { host.close() }
        let service = try await host.startFileService(root: root)
        defer { service.close() }

        let inside = try await service.mux.fileOperation(FileOperationRequest(operation: .stat, path: "inside"))
        #expect(inside.errno == 0)
        #expect(inside.status?.name == "inside")
        let outside = try await service.mux.fileOperation(FileOperationRequest(operation: .stat, path: "/etc"))
        #expect(outside.errno == 13)  // EACCES: outside the root
        #expect(service.agentCapabilities?.contains("root") == true)
        #expect(service.supportsBytePaths)
    }
}
