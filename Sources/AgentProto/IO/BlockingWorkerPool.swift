import Synchronization

/// A small fixed pool of threads that run queued jobs in order of arrival: blocking work (file
/// system calls) kept off the threads that must stay responsive — a mux's receiving thread, Swift's
/// cooperative pool. The threads start on the first job, so a process that never submits one never
/// pays for them.
package final class BlockingWorkerPool: Sendable {
    private struct Queue: Sendable {
        var jobs: [@Sendable () -> Void] = []
        var head = 0
        var isStarted = false
    }

    private let name: String
    private let threadCount: Int
    private let stackSize: Int?
    private let queue = Mutex(Queue())
    private let available = CountingSemaphore()

    /// Creates a pool of `threadCount` threads named for `name`, with `stackSize` bytes of stack
    /// each (the system default when nil).
    package init(name: String, threadCount: Int, stackSize: Int? = nil) {
        self.name = name
        self.threadCount = max(1, threadCount)
        self.stackSize = stackSize
    }

    /// Queues `job`; a pool thread runs it.
    package func submit(_ job: @escaping @Sendable () -> Void) {
        let startThreads = queue.withLock { queue in
            queue.jobs.append(job)
            defer { queue.isStarted = true }
            return !queue.isStarted
        }
        if startThreads {
            for _ in 0..<threadCount {
                // A pool with fewer threads than asked still drains its queue; none at all cannot.
                try? IOThread.startDetached(name: name, stackSize: stackSize) { [self] in work() }
            }
        }
        available.post()
    }

    /// Runs `body` on a pool thread and returns its result to the awaiting task.
    package func run<Value: Sendable, Failure: Error>(_ body: @escaping @Sendable () throws(Failure) -> Value)
        async throws(Failure) -> Value
    {
        let result: Result<Value, Failure> = await withCheckedContinuation { continuation in
            submit {
                do throws(Failure) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    private func work() {
        while true {
            available.wait()
            let job = queue.withLock { queue -> (@Sendable () -> Void)? in
                guard queue.head < queue.jobs.count else { return nil }
                let job = queue.jobs[queue.head]
                queue.head += 1
                if queue.head == queue.jobs.count {
                    queue.jobs.removeAll(keepingCapacity: true)
                    queue.head = 0
                }
                return job
            }
            job?()
        }
    }
}
