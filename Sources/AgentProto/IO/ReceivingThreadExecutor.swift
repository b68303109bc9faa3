import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Runs Swift tasks on the thread that receives a connection's frames, so that a reply resumes its
/// caller where it arrived instead of waking a thread of the cooperative pool.
///
/// A request–reply round trip otherwise ends with one more cross-thread wake-up than the bytes
/// need: the receiving thread decodes the reply and resumes the caller's continuation, which queues
/// the caller's task on the global executor, whose idle thread must be woken and scheduled. With
/// the task preferring this executor, the receiving thread runs the task's next piece itself, right
/// after the frame that resumed it, and the task's next request goes out from the same thread. This
/// is what SwiftNIO's event loops offer as task executors.
///
/// Reach it through ``Mux/receivingExecutor`` (or `RemoteFileSystem.receivingExecutor` in
/// WorkspaceFS), which gives the executor of whatever thread the mux's transport receives on: a
/// ``FileDescriptorTransport``'s reader, or an SSH connection's session thread.
///
/// ```swift
/// try await withTaskExecutorPreference(mux.receivingExecutor) {
///     for path in paths { _ = try await mux.fileOperation(.init(operation: .stat, path: path)) }
/// }
/// ```
///
/// Only for code that does not block: while a task runs here the connection receives nothing.
/// Awaiting is fine (the task then leaves the thread); blocking I/O, locks held for long and heavy
/// computation belong elsewhere. After the thread ends (the connection closed), jobs go to the
/// global concurrent executor, so a task that prefers this executor never hangs.
public final class ReceivingThreadExecutor: TaskExecutor, Sendable {
    private struct State: ~Copyable {
        var jobs: [UnownedJob] = []
        /// The owning thread sleeps (or is about to) and must be woken for a new job.
        var isOwnerWaiting = false
        /// The thread that waits, once it has: a job it queues itself (a reply delivered while it
        /// polls) needs no wake-up.
        var owner: pthread_t?
        var isStopped = false
    }

    private let state = Mutex(State())
    private let wakeThread: @Sendable () -> Void

    /// - Parameter wakeThread: makes the owning thread return from its wait and call ``runJobs()``.
    ///   Called under a lock, and never after ``stop()`` returned, so it may use a descriptor the
    ///   owner closes after stopping.
    package init(wakeThread: @escaping @Sendable () -> Void) {
        self.wakeThread = wakeThread
    }

    /// Queues `job` for the owning thread, or for the global executor once that thread has ended.
    public func enqueue(_ job: consuming ExecutorJob) {
        let unownedJob = UnownedJob(job)
        let isAccepted = state.withLock { state in
            guard !state.isStopped else { return false }
            state.jobs.append(unownedJob)
            if state.isOwnerWaiting, let owner = state.owner, pthread_equal(owner, pthread_self()) == 0 {
                state.isOwnerWaiting = false
                wakeThread()
            }
            return true
        }
        if !isAccepted { globalConcurrentExecutor.enqueue(ExecutorJob(unownedJob)) }
    }

    /// The owning thread is about to sleep. Returns false when jobs wait: run them instead.
    /// A job queued from now on wakes the thread.
    package func beginWaiting() -> Bool {
        let thread = pthread_self()
        return state.withLock { state in
            state.owner = thread
            state.isOwnerWaiting = state.jobs.isEmpty
            return state.isOwnerWaiting
        }
    }

    /// The owning thread woke up; jobs queued while it works need no wake-up.
    package func endWaiting() {
        state.withLock { $0.isOwnerWaiting = false }
    }

    /// Runs the queued jobs, and those they queue in turn, on the calling (owning) thread.
    package func runJobs() {
        while true {
            let jobs = state.withLock { state in
                defer { state.jobs = [] }
                return state.jobs
            }
            if jobs.isEmpty { return }
            for job in jobs { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }

    /// The owning thread is ending: hands waiting and later jobs to the global executor.
    package func stop() {
        let jobs = state.withLock { state in
            state.isStopped = true
            defer { state.jobs = [] }
            return state.jobs
        }
        for job in jobs { globalConcurrentExecutor.enqueue(ExecutorJob(job)) }
    }
}
