import AgentProto
import Testing

@Suite("MuxStateMachine, action by action")
struct MuxStateMachineTests {
    private func machine(inboundHigh: Int = 100, inboundLow: Int = 40, outboundHigh: Int = 100) -> MuxStateMachine {
        MuxStateMachine(
            inbound: MuxWatermarks(low: inboundLow, high: inboundHigh),
            outbound: MuxWatermarks(low: outboundHigh / 4, high: outboundHigh))
    }

    private func request() -> FileOperationRequest {
        FileOperationRequest(operation: FileOperationCode(rawValue: 1), path: "/")
    }

    @Test("request ids start at 1, count up, and skip ids still pending")
    func requestIDs() throws {
        var state = machine()
        let first = try state.startFileOperation(request(), waiter: 10).get().id
        let second = try state.startFileOperation(request(), waiter: 11).get().id
        #expect(first == 1)
        #expect(second == 2)
        #expect(state.pendingFileOperationCount == 2)
    }

    @Test("request ids skip 0 when they wrap around")
    func requestIDsWrap() throws {
        var state = MuxStateMachine(
            inbound: MuxWatermarks(low: 1, high: 2), outbound: MuxWatermarks(low: 1, high: 2), firstRequestID: .max)
        #expect(try state.startFileOperation(request(), waiter: 1).get().id == .max)
        #expect(try state.startFileOperation(request(), waiter: 2).get().id == 1)
    }

    @Test("a response for a cancelled request is dropped, the others still match by id")
    func lateResponseDropped() throws {
        var state = machine()
        let cancelled = try state.startFileOperation(request(), waiter: 1).get().id
        let kept = try state.startFileOperation(request(), waiter: 2).get().id
        #expect(state.cancelFileOperation(id: cancelled) == 1)
        let late = state.receive(.fileOperationResponse(FileOperationResponse(id: cancelled)))
        guard case .none = late else { Issue.record("late response not dropped: \(late)"); return }
        let answer = state.receive(.fileOperationResponse(FileOperationResponse(id: kept, count: 7)))
        guard case .resumeFileOperation(let waiter, let response) = answer else {
            Issue.record("response not matched: \(answer)")
            return
        }
        #expect(waiter == 2)
        #expect(response.count == 7)
    }

    @Test("data is buffered per stream; reading pauses at the high watermark and resumes at the low one")
    func inboundWatermarks() throws {
        var state = machine()
        try state.openStream(1)
        for _ in 0..<4 { _ = state.receive(.data(stream: 1, [UInt8](repeating: 1, count: 30))) }
        #expect(state.inboundBufferedByteCount == 120)
        #expect(state.isReceivingPaused)
        var resumedAfter: Int?
        for index in 1...4 {
            guard case .chunk(let chunk, let resume) = state.read(stream: 1, waiter: 5) else {
                Issue.record("expected a chunk")
                return
            }
            #expect(chunk.count == 30)
            if resume && resumedAfter == nil { resumedAfter = index }
        }
        #expect(resumedAfter == 3)  // 120 → 90 → 60 → 30 ≤ 40
        #expect(!state.isReceivingPaused)
    }

    @Test("empty Data, Data for an unopened stream and unknown frame types are ignored")
    func ignoredFrames() throws {
        var state = machine()
        try state.openStream(1)
        for frame in [Frame.data(stream: 1, []), .data(stream: 9, [1, 2]), Frame(type: FrameType(rawValue: 200))] {
            guard case .none = state.receive(frame) else {
                Issue.record("\(frame) was not ignored")
                continue
            }
        }
        #expect(state.inboundBufferedByteCount == 0)
        guard case .wait = state.read(stream: 1, waiter: 1) else {
            Issue.record("an empty stream should park its reader")
            return
        }
    }

    @Test("a parked reader gets data directly, then the end of stream")
    func parkedReader() throws {
        var state = machine()
        try state.openStream(2)
        guard case .wait = state.read(stream: 2, waiter: 7) else { Issue.record("expected wait"); return }
        guard case .resumeStreamReader(7, let chunk) = state.receive(.data(stream: 2, [9])) else {
            Issue.record("expected the reader to be resumed")
            return
        }
        #expect(chunk == [9])
        guard case .wait = state.read(stream: 2, waiter: 8) else { Issue.record("expected wait"); return }
        guard case .endStreamReader(8) = state.receive(.eof(stream: 2)) else {
            Issue.record("expected the reader to see the end")
            return
        }
        guard case .end = state.read(stream: 2, waiter: 9) else { Issue.record("expected end"); return }
    }

    @Test("the end of input fails every waiter, and later calls fail at once")
    func inputEndFailsEverything() throws {
        var state = machine()
        try state.openStream(1)
        _ = try state.startFileOperation(request(), waiter: 1).get()
        _ = try state.startFileOperation(request(), waiter: 2).get()
        _ = state.read(stream: 1, waiter: 3)
        _ = state.waitForExit(waiter: 4)
        let action = state.inputEnded(.failed(MuxError(.connectionLost, "gone")))
        #expect(Set(action.fileOperations) == [1, 2])
        #expect(action.streamReaders == [3])
        #expect(action.exitWaiters == [4])
        #expect(action.error.code == .connectionLost)
        #expect(throws: MuxError.self) { try state.startFileOperation(request(), waiter: 5).get() }
        guard case .failed = state.waitForExit(waiter: 6) else { Issue.record("expected failure"); return }
    }

    @Test("Exit is kept for later waiters, and a clean end without Exit is an error for them")
    func exitStatus() {
        var state = machine()
        guard case .exit(let status, let waiters, _) = state.receive(.exit(code: 3)) else {
            Issue.record("expected exit")
            return
        }
        #expect(status.code == 3)
        #expect(waiters.isEmpty)
        guard case .exited(let later) = state.waitForExit(waiter: 1) else { Issue.record("expected exited"); return }
        #expect(later.code == 3)

        var other = machine()
        _ = other.inputEnded(.clean)
        guard case .failed(let error) = other.waitForExit(waiter: 1) else { Issue.record("expected failure"); return }
        #expect(error.code == .connectionClosed)
    }

    @Test("a waiting sender parks at the high watermark and resumes once the writer takes the queue")
    func outboundWatermarks() {
        var state = machine(outboundHigh: 100)
        guard
            case .queued(wakeWriter: true, mustWait: false) = state.enqueue(
                .data(stream: 0, [UInt8](repeating: 0, count: 50)), waiter: 1)
        else {
            Issue.record("first frame should wake the writer and not wait")
            return
        }
        guard
            case .queued(wakeWriter: false, mustWait: true) = state.enqueue(
                .data(stream: 0, [UInt8](repeating: 0, count: 50)), waiter: 2)
        else {
            Issue.record("second frame should park its sender")
            return
        }
        let batch = state.takeOutbound()
        #expect(batch.frames.count == 2)
        #expect(batch.resumeSenders.isEmpty)  // still in flight
        let next = state.takeOutbound()
        #expect(next.frames.isEmpty)
        #expect(next.resumeSenders == [2])
    }

    @Test("a FileOp is handed to the handler, a PathQuery answer resumes its caller")
    func dispatch() {
        var state = machine()
        guard
            case .handleFileOperation(let request) = state.receive(
                .fileOperation(FileOperationRequest(id: 4, operation: FileOperationCode(rawValue: 2))))
        else {
            Issue.record("expected a file operation")
            return
        }
        #expect(request.id == 4)
        _ = state.startPathQuery(PathQuery(), waiter: 9)
        guard case .resumePathQuery(9, .failure(let error), _) = state.receive(Frame(type: .error, error: "no PATH"))
        else {
            Issue.record("expected the query to fail")
            return
        }
        #expect(error.code == .peerError)
        #expect(error.message == "no PATH")
    }
}
