// The exec-reuse extension on the built agent: one agent process runs a command, drops what the
// client still sends for it, and runs the next command afresh (PROTOCOL.md).

import AgentProto
import Foundation
import Testing

@Suite("mproxy-agent: exec-reuse", .timeLimit(.minutes(1)))
struct AgentReuseTests {
    /// The Exit frames the client's mux receives, in order.
    private struct ExitReports {
        let handlers: MuxHandlers
        private let continuation: AsyncStream<MuxExitStatus>.Continuation
        private var iterator: AsyncStream<MuxExitStatus>.AsyncIterator

        init() {
            let (stream, continuation) = AsyncStream.makeStream(of: MuxExitStatus.self)
            var handlers = MuxHandlers()
            handlers.exit = { continuation.yield($0) }
            self.handlers = handlers
            self.continuation = continuation
            iterator = stream.makeAsyncIterator()
        }

        /// The next Exit, or nil after ``end()``.
        mutating func next() async -> MuxExitStatus? { await iterator.next() }

        /// No more Exits will come: ``next()`` returns nil once the ones received are taken.
        func end() { continuation.finish() }
    }

    private func collect(_ stream: MuxStream) async throws -> String {
        var bytes: [UInt8] = []
        for try await chunk in stream { bytes += chunk }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("After a command's Exit the agent runs the next one; late stdin, EOF and Signal of the old one are dropped")
    func runsCommandsOneAfterAnother() async throws {
        var exits = ExitReports()
        let observed = FrameLog()
        let agent = try AgentProcess(observer: observed, handlers: exits.handlers)
        let reuse = AgentConfiguration(
            environmentKeep: ["PATH"], environmentRemove: [], extensions: ["hello", "exec-reuse"])

        // First command: reads one line of stdin and prints its own parent (the agent).
        var output = try agent.mux.openStream(1)
        var errors = try agent.mux.openStream(2)
        agent.start()
        try await agent.mux.send(.config(reuse))
        try await agent.mux.send(
            .exec(
                ExecRequest(
                    path: "/bin/sh", arguments: ["sh", "-c", "read line; echo $line $PPID"],
                    environment: ["PATH=/usr/bin:/bin"])))
        try await agent.mux.send(.data(stream: 0, Array("first\n".utf8)))
        let first = try await collect(output)
        _ = try await collect(errors)
        #expect(await exits.next() == MuxExitStatus(code: 0))
        #expect(first == "first \(agent.process.processIdentifier)\n")

        // What the client still had in flight for the first command, then the second command.
        try await agent.mux.send(.data(stream: 0, Array("stale\n".utf8)))
        try await agent.mux.send(.eof(stream: 0))
        try await agent.mux.send(.signal(15))
        output.close()
        errors.close()
        output = try agent.mux.openStream(1)
        errors = try agent.mux.openStream(2)
        try await agent.mux.send(.config(reuse))
        try await agent.mux.send(
            .exec(
                ExecRequest(
                    path: "/bin/sh", arguments: ["sh", "-c", "cat; echo $PPID"], environment: ["PATH=/usr/bin:/bin"])))
        try await agent.mux.send(.data(stream: 0, Array("second\n".utf8)))
        try await agent.mux.send(.eof(stream: 0))
        let second = try await collect(output)
        #expect(await exits.next() == MuxExitStatus(code: 0))
        #expect(second == "second\n\(agent.process.processIdentifier)\n")
        #expect(observed.takeReceivedTypes().filter { $0 == .hello }.count == 2)

        // The client closing between commands is the orderly end.
        #expect(agent.finish() == 0)
    }

    @Test("A command that could not start leaves the agent ready; without exec-reuse the agent is not kept")
    func startFailureAndNoReuse() async throws {
        var exits = ExitReports()
        let agent = try AgentProcess(handlers: exits.handlers)
        var output = try agent.mux.openStream(1)
        agent.start()
        try await agent.mux.send(.config(AgentConfiguration(extensions: ["exec-reuse", "unfiltered-environment"])))
        try await agent.mux.send(
            .exec(ExecRequest(path: "no-such-program-mproxy", arguments: ["no-such-program-mproxy"])))
        #expect(await exits.next()?.code == 127)
        output.close()
        output = try agent.mux.openStream(1)
        // unfiltered-environment: env null is the agent's own environment, not an empty one.
        try await agent.mux.send(.config(AgentConfiguration(extensions: ["unfiltered-environment"])))
        try await agent.mux.send(.exec(ExecRequest(path: "/usr/bin/env", arguments: ["env"])))
        #expect(try await collect(output).contains("PATH="))
        #expect(await exits.next()?.code == 0)
        // That Config did not ask for exec-reuse: a third Exec is not run.
        output.close()
        output = try agent.mux.openStream(1)
        try await agent.mux.send(.exec(ExecRequest(path: "/bin/echo", arguments: ["echo", "third"])))
        try await Task.sleep(for: .milliseconds(200))
        #expect(agent.mux.inboundBufferedByteCount == 0)
        #expect(agent.finish() == 0)
        exits.end()
        #expect(await exits.next() == nil)
    }
}
