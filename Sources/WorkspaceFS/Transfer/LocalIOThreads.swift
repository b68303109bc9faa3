// Local disk reads and writes of a transfer block; they run here, on a few dedicated threads, so
// the cooperative pool that drives the RPCs never waits on the disk.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import AgentProto
import Synchronization

/// A small fixed pool of threads for blocking local file system calls, bridged to async callers.
final class LocalIOThreads: Sendable {
    /// The pool transfers share; its threads start on first use.
    static let shared = LocalIOThreads(threadCount: 4)

    private struct Queue: Sendable {
        var jobs: [@Sendable () -> Void] = []
        var head = 0
        var isStarted = false
    }

    private let queue = Mutex(Queue())
    private let available = CountingSemaphore()
    private let threadCount: Int

    init(threadCount: Int) {
        self.threadCount = threadCount
    }

    /// Runs `body` on a pool thread and returns its result.
    func run<Value: Sendable, Failure: Error>(_ body: @escaping @Sendable () throws(Failure) -> Value)
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

    private func submit(_ job: @escaping @Sendable () -> Void) {
        let startThreads = queue.withLock { queue in
            queue.jobs.append(job)
            defer { queue.isStarted = true }
            return !queue.isStarted
        }
        if startThreads {
            for _ in 0..<threadCount {
                var thread = pthread_t()
                let context = Unmanaged.passRetained(self).toOpaque()
                pthread_create(
                    &thread, nil,
                    { context in
                        let pool = Unmanaged<LocalIOThreads>.fromOpaque(context!).takeRetainedValue()
                        pool.work()
                        return nil
                    }, context)
                pthread_detach(thread)
            }
        }
        available.post()
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
