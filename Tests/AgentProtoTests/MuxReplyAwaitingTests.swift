import AgentProto
import Synchronization
import Testing

@Suite("A mux tells its transport when a reply is due", .timeLimit(.minutes(1)))
struct MuxReplyAwaitingTests {
    @Test("due while a file operation is pending, not before it is sent nor after its reply")
    func pendingFileOperation() async throws {
        let transport = ScriptedTransport()
        let mux = Mux(transport: transport)
        mux.start()
        let endpoint = try #require(transport.endpoint.withLock { $0 })
        #expect(!endpoint.isAwaitingReply)

        let call = Task { try await mux.fileOperation(FileOperationRequest(operation: .stat, path: "/")) }
        try await eventually { endpoint.isAwaitingReply }

        var response = FileOperationResponse(status: FileStatus(name: "/", mode: 0o755))
        response.id = 1  // the first request's id
        transport.feed(CBORStreamEncoder.encode(Frame.fileOperationResponse(response)))
        #expect(try await call.value.status?.name == "/")
        #expect(!endpoint.isAwaitingReply)
    }

    @Test("a cancelled call is no longer awaited")
    func cancelledCall() async throws {
        let transport = ScriptedTransport()
        let mux = Mux(transport: transport)
        mux.start()
        let endpoint = try #require(transport.endpoint.withLock { $0 })
        let call = Task { try await mux.fileOperation(FileOperationRequest(operation: .stat, path: "/")) }
        try await eventually { endpoint.isAwaitingReply }
        call.cancel()
        _ = await call.result
        #expect(!endpoint.isAwaitingReply)
    }

    /// Waits up to five seconds for `condition`, failing the test if it never holds.
    private func eventually(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while !condition() && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(1)) }
        #expect(condition(), "the call never became pending")
    }
}
