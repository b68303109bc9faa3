import AgentProto
import Synchronization
import Testing

@Suite("Mux between a client and an agent", .timeLimit(.minutes(1)))
struct MuxTransportTests {
    private static let readFile = FileOperationCode(rawValue: 3)

    @Test(
        "stdout, stderr and an extra fd arrive in order and end at EOF; Exit carries its error text",
        arguments: MuxTestTransport.allCases)
    func streamsAndExit(_ kind: MuxTestTransport) async throws {
        let connection = try MuxTestConnection(kind)
        let streams = try [1, 2, 5].map { try connection.client.openStream($0) }
        connection.start()
        for index in 0..<50 {
            for stream in [UInt32(1), 2, 5] {
                try connection.agent.sendWithoutWaiting(.data(stream: stream, Array("\(stream):\(index);".utf8)))
            }
        }
        for stream in [UInt32(1), 2, 5] { try connection.agent.sendWithoutWaiting(.eof(stream: stream)) }
        try connection.agent.sendWithoutWaiting(.exit(code: 127, error: "mproxy-agent: exec: \"nope\": not found"))
        for stream in streams {
            var bytes: [UInt8] = []
            for try await chunk in stream {
                #expect(!chunk.isEmpty)
                bytes += chunk
            }
            let expected = (0..<50).map { "\(stream.id):\($0);" }.joined()
            #expect(String(decoding: bytes, as: UTF8.self) == expected)
        }
        let status = try await connection.client.exitStatus()
        #expect(status == MuxExitStatus(code: 127, error: "mproxy-agent: exec: \"nope\": not found"))
        connection.close()
    }

    @Test(
        "the agent gets Exec, stdin and Signal, and a signal after stdin EOF still arrives",
        arguments: MuxTestTransport.allCases)
    func agentSide(_ kind: MuxTestTransport) async throws {
        let signals = Collected<Int>()
        let secondSignal = Completion<Void>()
        let exec = Completion<ExecRequest>()
        var handlers = MuxHandlers()
        handlers.exec = { exec.complete($0) }
        handlers.signal = { number in
            signals.append(number)
            if signals.all.count == 2 { secondSignal.complete(()) }
        }
        let connection = try MuxTestConnection(kind, agentHandlers: handlers)
        let stdin = try connection.agent.openStream(0)
        connection.start()
        try await connection.client.send(.exec(ExecRequest(path: "/bin/cat", arguments: ["cat"])))
        try await connection.client.send(.data(stream: 0, Array("input".utf8)))
        try await connection.client.send(.signal(2))
        try await connection.client.send(.eof(stream: 0))
        try await connection.client.send(.signal(15))
        #expect(await exec.value.path == "/bin/cat")
        await secondSignal.value
        #expect(signals.all == [2, 15])
        // The agent reads stdin on its own thread, after the signals were handled.
        let bytes = try await onDedicatedThread {
            var bytes: [UInt8] = []
            while let chunk = try stdin.readBlocking() { bytes += chunk }
            return bytes
        }
        #expect(bytes == Array("input".utf8))
        connection.close()
    }

    @Test(
        "1,000 concurrent file operations are matched to their callers when answered in reverse order",
        arguments: MuxTestTransport.allCases)
    func concurrentFileOperations(_ kind: MuxTestTransport) async throws {
        let count = kind == .inMemoryByteByByte ? 200 : 1000
        let held = Mutex<[(FileOperationRequest, FileOperationReply)]>([])
        var handlers = MuxHandlers()
        handlers.fileOperation = { request, reply in
            let batch = held.withLock { held -> [(FileOperationRequest, FileOperationReply)] in
                held.append((request, reply))
                guard held.count == count else { return [] }
                defer { held = [] }
                return held
            }
            for (request, reply) in batch.reversed() {
                try? reply.send(FileOperationResponse(count: Int64(request.id), path: request.path))
            }
        }
        let connection = try MuxTestConnection(kind, agentHandlers: handlers)
        connection.start()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask {
                    let response = try await connection.client.fileOperation(
                        FileOperationRequest(operation: Self.readFile, path: "/file/\(index)"))
                    #expect(response.path == "/file/\(index)")
                    #expect(response.count != 0)
                }
            }
            try await group.waitForAll()
        }
        connection.close()
    }

    @Test(
        "a file operation the agent does not serve is answered ENOSYS instead of hanging",
        arguments: MuxTestTransport.allCases)
    func fileOperationWithoutHandler(_ kind: MuxTestTransport) async throws {
        let connection = try MuxTestConnection(kind)
        connection.start()
        let response = try await connection.client.fileOperation(
            FileOperationRequest(operation: Self.readFile, path: "/"))
        #expect(response.errno == 38)
        #expect(response.isError)
        connection.close()
    }

    @Test(
        "a cancelled file operation throws, its late response is dropped, and later calls still work",
        arguments: MuxTestTransport.allCases)
    func cancellation(_ kind: MuxTestTransport) async throws {
        let parked = Mutex<[FileOperationReply]>([])
        let arrived = Completion<Void>()
        var handlers = MuxHandlers()
        handlers.fileOperation = { request, reply in
            if request.path == "/slow" {
                parked.withLock { $0.append(reply) }
                arrived.complete(())
            } else {
                try? reply.send(FileOperationResponse(path: request.path))
            }
        }
        let connection = try MuxTestConnection(kind, agentHandlers: handlers)
        connection.start()
        let slow = Task {
            try await connection.client.fileOperation(FileOperationRequest(operation: Self.readFile, path: "/slow"))
        }
        await arrived.value
        slow.cancel()
        await #expect(throws: CancellationError.self) { try await slow.value }
        for reply in parked.withLock({ $0 }) { try reply.send(FileOperationResponse(path: "/late")) }
        let next = try await connection.client.fileOperation(
            FileOperationRequest(operation: Self.readFile, path: "/fast"))
        #expect(next.path == "/fast")
        connection.close()
    }

    @Test(
        "losing the connection fails every pending call and unfinished stream, and tells the agent",
        arguments: MuxTestTransport.allCases)
    func connectionLoss(_ kind: MuxTestTransport) async throws {
        let agentEnd = Completion<MuxInputEnd>()
        let received = Completion<Void>()
        let counter = Mutex(0)
        var handlers = MuxHandlers()
        handlers.inputEnded = { agentEnd.complete($0) }
        handlers.fileOperation = { _, _ in
            if counter.withLock({
                $0 += 1; return $0
            }) == 20 {
                received.complete(())
            }
        }
        let connection = try MuxTestConnection(kind, agentHandlers: handlers)
        let output = try connection.client.openStream(1)
        connection.start()
        try await withThrowingTaskGroup(of: MuxError?.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    do {
                        _ = try await connection.client.fileOperation(FileOperationRequest(operation: Self.readFile))
                        return nil
                    } catch let error as MuxError {
                        return error
                    }
                }
            }
            group.addTask {
                do {
                    for try await _ in output {}
                    return nil
                } catch let error as MuxError {
                    return error
                }
            }
            group.addTask {
                do {
                    _ = try await connection.client.exitStatus()
                    return nil
                } catch let error as MuxError {
                    return error
                }
            }
            await received.value
            connection.cut()
            var failures = 0
            for try await error in group {
                #expect(error != nil)
                if let error { #expect([.connectionLost, .malformedInput, .sendFailed].contains(error.code)) }
                failures += 1
            }
            #expect(failures == 22)
        }
        guard case .failed = await agentEnd.value else {
            Issue.record("the agent should see a broken connection, not a clean end")
            return
        }
        connection.close()
    }

    @Test("an orderly close reaches the agent as a clean end of input", arguments: MuxTestTransport.allCases)
    func cleanEnd(_ kind: MuxTestTransport) async throws {
        let agentEnd = Completion<MuxInputEnd>()
        var handlers = MuxHandlers()
        handlers.inputEnded = { agentEnd.complete($0) }
        let connection = try MuxTestConnection(kind, agentHandlers: handlers)
        connection.start()
        try await connection.client.send(.signal(1))
        connection.client.close()
        #expect(await agentEnd.value == .clean)
        connection.agent.close()
    }

    @Test(
        "a consumer that stops reading stdout holds back neither stderr, a file operation, nor Exit",
        arguments: MuxTestTransport.allCases)
    func stalledConsumer(_ kind: MuxTestTransport) async throws {
        var handlers = MuxHandlers()
        handlers.fileOperation = { request, reply in try? reply.send(FileOperationResponse(path: request.path)) }
        let connection = try MuxTestConnection(kind, agentHandlers: handlers)
        let output = try connection.client.openStream(1)
        let errors = try connection.client.openStream(2)
        connection.start()
        let payload = [UInt8](repeating: 0x61, count: 32 * 1024)
        for _ in 0..<16 { try connection.agent.sendWithoutWaiting(.data(stream: 1, payload)) }  // 512 KiB, unread
        try connection.agent.sendWithoutWaiting(.eof(stream: 1))
        try connection.agent.sendWithoutWaiting(.data(stream: 2, Array("warning".utf8)))
        try connection.agent.sendWithoutWaiting(.eof(stream: 2))
        try connection.agent.sendWithoutWaiting(.exit(code: 0))
        var errorBytes: [UInt8] = []
        for try await chunk in errors { errorBytes += chunk }
        #expect(errorBytes == Array("warning".utf8))
        #expect(try await connection.client.exitStatus().code == 0)
        let response = try await connection.client.fileOperation(
            FileOperationRequest(operation: Self.readFile, path: "/x"))
        #expect(response.path == "/x")
        var total = 0
        for try await chunk in output { total += chunk.count }
        #expect(total == 16 * payload.count)
        connection.close()
    }

    @Test("the observer sees every frame sent and received, in order", arguments: MuxTestTransport.allCases)
    func observer(_ kind: MuxTestTransport) async throws {
        let clientObserver = RecordingObserver()
        let connection = try MuxTestConnection(kind, client: MuxConfiguration(observer: clientObserver))
        let output = try connection.client.openStream(1)
        connection.start()
        try await connection.client.send(.exec(ExecRequest(path: "/bin/true")))
        try connection.agent.sendWithoutWaiting(.data(stream: 1, [1]))
        try connection.agent.sendWithoutWaiting(.eof(stream: 1))
        try connection.agent.sendWithoutWaiting(.exit(code: 0))
        for try await _ in output {}
        _ = try await connection.client.exitStatus()
        // Each direction in wire order; the two directions interleave as the threads run.
        let seen = clientObserver.frames.all
        #expect(seen.filter { $0.1 == .send }.map(\.0) == [.exec])
        #expect(seen.filter { $0.1 == .receive }.map(\.0) == [.data, .eof, .exit])
        connection.close()
    }

    @Test(
        "an observer failure with a handler is reported there and the mux carries on",
        arguments: MuxTestTransport.allCases)
    func observerFailureHandled(_ kind: MuxTestTransport) async throws {
        let failures = Collected<FrameDirection>()
        var handlers = MuxHandlers()
        handlers.observerFailed = { _, _, direction in failures.append(direction) }
        let connection = try MuxTestConnection(
            kind, client: MuxConfiguration(observer: RecordingObserver(failing: true)), clientHandlers: handlers)
        connection.start()
        let response = try await connection.client.fileOperation(FileOperationRequest(operation: Self.readFile))
        #expect(response.errno == 38)
        #expect(failures.all.contains(.send))
        #expect(failures.all.contains(.receive))
        connection.close()
    }

    @Test(
        "an observer failure without a handler fails the mux instead of being dropped",
        arguments: MuxTestTransport.allCases)
    func observerFailure(_ kind: MuxTestTransport) async throws {
        let connection = try MuxTestConnection(
            kind, client: MuxConfiguration(observer: RecordingObserver(failing: true)))
        connection.start()
        await #expect(throws: MuxError.self) {
            _ = try await connection.client.fileOperation(FileOperationRequest(operation: Self.readFile))
        }
        do {
            _ = try await connection.client.exitStatus()
            Issue.record("the mux should have failed")
        } catch let error as MuxError {
            #expect(error.code == .observerFailed)
        }
        connection.close()
    }
}
