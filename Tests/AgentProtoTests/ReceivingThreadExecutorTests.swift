import AgentProto
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Tasks on a transport's receiving thread", .timeLimit(.minutes(1)))
struct ReceivingThreadExecutorTests {
    /// Remembers the thread the client's frames arrive on: an observer runs where they are decoded.
    private final class ReceivingThreadWitness: FrameObserver {
        let thread = Mutex<pthread_t?>(nil)
        func observe(_ frame: Frame, direction: FrameDirection) throws {
            if direction == .receive { thread.withLock { $0 = pthread_self() } }
        }
    }

    private static func statServer() -> MuxHandlers {
        var handlers = MuxHandlers()
        handlers.fileOperation = { request, reply in try? reply.send(FileOperationResponse(path: request.path)) }
        return handlers
    }

    @Test("a task preferring it resumes on the receiving thread after each reply, and its calls succeed")
    func resumesOnReceivingThread() async throws {
        let witness = ReceivingThreadWitness()
        let connection = try MuxTestConnection(
            .socketPair, client: MuxConfiguration(observer: witness), agentHandlers: Self.statServer())
        connection.start()
        defer { connection.close() }
        let executor = try #require(connection.client.receivingExecutor)
        let threads = try await withTaskExecutorPreference(executor) {
            var threads: [pthread_t] = []
            for index in 0..<200 {
                let response = try await connection.client.fileOperation(
                    FileOperationRequest(operation: .stat, path: "file-\(index)"))
                #expect(response.path == "file-\(index)")
                threads.append(pthread_self())
            }
            return threads
        }
        let receivingThread = try #require(witness.thread.withLock { $0 })
        #expect(threads.allSatisfy { pthread_equal($0, receivingThread) != 0 })
    }

    @Test("concurrent tasks sharing it all finish, and a task enqueued from the pool wakes the idle thread")
    func concurrentTasks() async throws {
        let connection = try MuxTestConnection(.socketPair, agentHandlers: Self.statServer())
        connection.start()
        defer { connection.close() }
        let executor = try #require(connection.client.receivingExecutor)
        // Let the receiving thread go idle in poll first, so the first job must wake it.
        try await Task.sleep(for: .milliseconds(20))
        let answered = try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<16 {
                group.addTask(executorPreference: executor) {
                    for call in 0..<50 {
                        _ = try await connection.client.fileOperation(
                            FileOperationRequest(operation: .stat, path: "\(task)/\(call)"))
                    }
                    return 50
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(answered == 16 * 50)
    }

    @Test("after the receiving thread ended, tasks preferring it run on the global executor instead of hanging")
    func afterTheThreadEnded() async throws {
        let descriptors = try SocketPair()
        let transport = try FileDescriptorTransport(
            reading: descriptors.first, writing: descriptors.first, closesDescriptors: true)
        let client = Mux(transport: transport)
        client.start()
        let executor = try #require(client.receivingExecutor)
        client.close()
        try await onDedicatedThread { transport.waitUntilFinished() }
        close(descriptors.second)
        let value = await withTaskExecutorPreference(executor) {
            await Task.yield()
            return 42
        }
        #expect(value == 42)
        await #expect(throws: MuxError.self) {
            try await withTaskExecutorPreference(executor) {
                try await client.fileOperation(FileOperationRequest(operation: .stat, path: "x"))
            }
        }
    }

    @Test("a transport without a receiving thread has no executor, and a nil preference changes nothing")
    func inMemoryHasNone() async throws {
        let connection = try MuxTestConnection(.inMemory, agentHandlers: Self.statServer())
        connection.start()
        defer { connection.close() }
        #expect(connection.client.receivingExecutor == nil)
        let response = try await withTaskExecutorPreference(connection.client.receivingExecutor) {
            try await connection.client.fileOperation(FileOperationRequest(operation: .stat, path: "p"))
        }
        #expect(response.path == "p")
    }
}
