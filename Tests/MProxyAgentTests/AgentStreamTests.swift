// Streams, signals, connection loss and file operations during a command, against the built agent.

import AgentProto
import Foundation
import Synchronization
import Testing

@Suite("mproxy-agent: streams, signals, connection loss", .timeLimit(.minutes(1)))
struct AgentStreamTests {
    @Test("cat of 100 MB of binary data comes back byte for byte; stdin EOF ends it")
    func catLargeBinary() async throws {
        var generator = SystemRandomNumberGenerator()
        var input = [UInt8](repeating: 0, count: 100 << 20)
        for index in stride(from: 0, to: input.count, by: 8) {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes in
                for offset in 0..<8 { input[index + offset] = bytes[offset] }
            }
        }
        let result = try await AgentProcess.run(ExecRequest(path: "/bin/cat", arguments: ["cat"]), input: input)
        #expect(result.standardOutput.count == input.count)
        #expect(result.standardOutput == input)
        #expect(result.status.code == 0)
    }

    @Test("A signal reaches a child that never reads stdin while the client keeps sending")
    func signalWhileStdinBlocked() async throws {
        let result = try await AgentProcess.run(
            ExecRequest(path: "/bin/sleep", arguments: ["sleep", "30"]), input: nil,
            afterStart: { mux in
                // More than a pipe buffer: the stdin writer blocks, the mux must not.
                for _ in 0..<8 { try await mux.send(.data(stream: 0, [UInt8](repeating: 65, count: 32768))) }
                try await mux.send(.signal(15))
            })
        #expect(result.status.code == 143)
    }

    @Test("A signal after stdin EOF still arrives")
    func signalAfterEndOfInput() async throws {
        let result = try await AgentProcess.run(
            ExecRequest(path: "/bin/sleep", arguments: ["sleep", "30"]), input: nil,
            afterStart: { mux in
                try await mux.send(.eof(stream: 0))
                try await mux.send(.signal(9))
            })
        #expect(result.status.code == 137)
    }

    // The inner shell runs in the foreground: a non-interactive shell starts background jobs with
    // SIGINT ignored, which no trap can undo.
    @Test("SIGINT, SIGTERM and SIGUSR1 reach every process of the group", arguments: [2, 15, 10])
    func signalsReachTheGroup(signal: Int) async throws {
        let script =
            "trap 'echo parent-got; exit 7' \(signal); sh -c \"trap 'echo child-got; exit 0' \(signal); echo ready; while :; do sleep 0.05; done\""
        let agent = try AgentProcess()
        let output = try agent.mux.openStream(1)
        agent.start()
        try await agent.mux.send(.exec(ExecRequest(path: "/bin/sh", arguments: ["sh", "-c", script])))
        var text = ""
        for try await chunk in output {
            text += String(decoding: chunk, as: UTF8.self)
            if text.contains("ready") && !text.contains("got") { try await agent.mux.send(.signal(signal)) }
        }
        #expect(text.contains("child-got"))
        #expect(text.contains("parent-got"))
        #expect(try await agent.mux.exitStatus().code == 7)
        _ = agent.finish()
    }

    @Test("Exit waits for a grandchild that holds stdout open")
    func grandchildHoldsOutput() async throws {
        let result = try await AgentProcess.run(
            ExecRequest(path: "/bin/sh", arguments: ["sh", "-c", "(sleep 0.3; echo late) & echo early"]))
        #expect(result.output == "early\nlate\n")
        #expect(result.status.code == 0)
    }

    @Test("Large stdout and stderr interleaved do not deadlock")
    func interleavedOutput() async throws {
        let script =
            "i=0; while [ $i -lt 200 ]; do head -c 65536 /dev/zero; head -c 65536 /dev/zero >&2; i=$((i+1)); done"
        let result = try await AgentProcess.run(ExecRequest(path: "/bin/sh", arguments: ["sh", "-c", script]))
        #expect(result.standardOutput.count == 200 * 65536)
        #expect(result.standardError.count == 200 * 65536)
    }

    @Test("Bulk output (spliced) and small writes (copied) arrive byte for byte and in order on each stream")
    func splicedAndCopiedOutputKeepTheirOrder() async throws {
        // Each round: a line, 40,000 bytes of a file (spliced: more than the 16 KiB threshold), a
        // line on stderr, then a burst big enough to splice on stderr too.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "agent-splice-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let block = directory.appendingPathComponent("block")
        try Data((0..<40_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }).write(to: block)
        let script = """
            i=0; while [ $i -lt 60 ]; do
              printf 'line %d\\n' $i; cat '\(block.path)'; printf 'err %d\\n' $i >&2
              if [ $((i % 5)) -eq 0 ]; then cat '\(block.path)' >&2; fi; i=$((i+1))
            done
            """
        let result = try await AgentProcess.run(ExecRequest(path: "/bin/sh", arguments: ["sh", "-c", script]))
        let local = Process()
        local.executableURL = URL(fileURLWithPath: "/bin/sh")
        local.arguments = ["-c", script]
        let output = Pipe()
        let errors = Pipe()
        local.standardOutput = output
        local.standardError = errors
        try local.run()
        async let expectedError = errors.fileHandleForReading.readToEnd()
        let expectedOutput = try output.fileHandleForReading.readToEnd() ?? Data()
        local.waitUntilExit()
        let lineBytes = 10 * "line 0\n".utf8.count + 50 * "line 10\n".utf8.count
        #expect(result.standardOutput.count == 60 * 40_000 + lineBytes)
        #expect(result.standardOutput == [UInt8](expectedOutput))
        #expect(result.standardError == [UInt8](try await expectedError ?? Data()))
        #expect(result.status.code == 0)
    }

    @Test("An agent killed with SIGKILL still gets its command's process group hung up, by its orphan guard")
    func killedAgentLeavesNothingRunning() async throws {
        let agent = try AgentProcess()
        let output = try agent.mux.openStream(1)
        agent.start()
        try await agent.mux.send(
            .exec(ExecRequest(path: "/bin/sh", arguments: ["sh", "-c", "sleep 100 & echo $!; echo $$; wait"])))
        let pids = try await Self.processIdentifiers(2, printedOn: output)
        #expect(pids.count == 2)
        kill(agent.process.processIdentifier, SIGKILL)
        agent.process.waitUntilExit()
        // Orphans are reparented to whoever reaps them; a zombie counts as gone.
        let deadline = ContinuousClock.now + .seconds(10)
        while pids.contains(where: Self.isRunning), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        for pid in pids { #expect(!Self.isRunning(pid), "process \(pid) outlived the killed agent") }
    }

    /// The first `count` lines `output` prints, as process ids (lines that are not numbers dropped).
    static func processIdentifiers(_ count: Int, printedOn output: MuxStream) async throws -> [pid_t] {
        var text = ""
        for try await chunk in output {
            text += String(decoding: chunk, as: UTF8.self)
            if text.split(separator: "\n").count == count { break }
        }
        return text.split(separator: "\n").compactMap { pid_t($0) }
    }

    /// True while `pid` exists and is not a zombie.
    static func isRunning(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let nameEnd = stat.lastIndex(of: ")")
        else { return false }
        return !stat[nameEnd...].hasPrefix(") Z")
    }

    @Test("Connection loss hangs up the command's process tree, including processes that left its group")
    func connectionLossKillsTree() async throws {
        let agent = try AgentProcess()
        let output = try agent.mux.openStream(1)
        agent.start()
        try await agent.mux.send(
            .exec(
                ExecRequest(
                    path: "/bin/sh",
                    arguments: [
                        "sh", "-c",
                        // The last one leaves the process group and is orphaned, as a daemon would be.
                        "sleep 100 & echo $!; sleep 100 & echo $!; echo $$; setsid sh -c 'echo $$; exec sleep 100' & wait",
                    ])))
        let pids = try await Self.processIdentifiers(4, printedOn: output)
        #expect(pids.count == 4)
        for pid in pids { #expect(kill(pid, 0) == 0) }
        agent.disconnect()
        agent.process.waitUntilExit()
        // The agent exits only after SIGHUP and, past the grace period, SIGKILL to the group.
        for pid in pids { #expect(kill(pid, 0) != 0, "process \(pid) survived the connection loss") }
    }

    @Test("50 concurrent file operations are answered while a command runs")
    func fileOperationsDuringCommand() async throws {
        let agent = try AgentProcess()
        let output = try agent.mux.openStream(1)
        agent.start()
        try await agent.mux.send(.exec(ExecRequest(path: "/bin/sh", arguments: ["sh", "-c", "read x; echo done"])))
        let directory = NSTemporaryDirectory() + "mproxy-agent-ops-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<50 {
                group.addTask {
                    let path = "\(directory)/f\(index)"
                    let created = try await agent.mux.fileOperation(
                        FileOperationRequest(operation: .create, path: path))
                    #expect(!created.isError)
                    let written = try await agent.mux.fileOperation(
                        FileOperationRequest(
                            operation: .writeAt, handle: created.handle, data: Array("file \(index)".utf8)))
                    #expect(written.count == Int64("file \(index)".utf8.count))
                    _ = try await agent.mux.fileOperation(
                        FileOperationRequest(operation: .close, handle: created.handle))
                    let status = try await agent.mux.fileOperation(FileOperationRequest(operation: .stat, path: path))
                    #expect(status.status?.name == "f\(index)")
                }
            }
            try await group.waitForAll()
        }
        try await agent.mux.send(.data(stream: 0, Array("go\n".utf8)))
        #expect(String(decoding: try await AgentProcess.collect(output), as: UTF8.self) == "done\n")
        #expect(try await agent.mux.exitStatus().code == 0)
        #expect(agent.finish() == 0)
    }
}
