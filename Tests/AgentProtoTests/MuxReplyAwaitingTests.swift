import AgentProto
import Synchronization
import Testing

@Suite("A mux tells its transport when a reply is due", .timeLimit(.minutes(1)))
struct MuxReplyAwaitingTests {
    /// A started mux on a scripted transport, and the endpoint the transport was given.
    private struct Setup {
        let transport = ScriptedTransport()
        let mux: Mux
        let endpoint: any FrameTransportEndpoint

        init() throws {
            mux = Mux(transport: transport)
            mux.start()
            endpoint = try #require(transport.endpoint.withLock { $0 })
        }

        /// Starts a Stat call and waits until the mux counts it as pending.
        func startCall() async throws -> Task<FileOperationResponse, any Error> {
            let call = Task { [mux] in try await mux.fileOperation(FileOperationRequest(operation: .stat, path: "/")) }
            let deadline = ContinuousClock.now + .seconds(5)
            while !endpoint.isAwaitingReply && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(1))
            }
            #expect(endpoint.isAwaitingReply, "the call never became pending")
            return call
        }
    }

    @Test("due while a file operation is pending, not before it is sent nor after its reply")
    func pendingFileOperation() async throws {
        let setup = try Setup()
        #expect(!setup.endpoint.isAwaitingReply)
        let call = try await setup.startCall()

        var response = FileOperationResponse(status: FileStatus(name: "/", mode: 0o755))
        response.id = 1  // the first request's id
        setup.transport.feed(CBORStreamEncoder.encode(Frame.fileOperationResponse(response)))
        #expect(try await call.value.status?.name == "/")
        #expect(!setup.endpoint.isAwaitingReply)
    }

    @Test("a cancelled call is no longer awaited")
    func cancelledCall() async throws {
        let setup = try Setup()
        let call = try await setup.startCall()
        call.cancel()
        _ = await call.result
        #expect(!setup.endpoint.isAwaitingReply)
    }
}
