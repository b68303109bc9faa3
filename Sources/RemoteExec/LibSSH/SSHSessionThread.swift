import AgentProto
import CLibSSH
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The one thread that calls libssh for a session: it runs jobs submitted from async code, polls the
/// session socket and an eventfd, services every channel, and sends keepalives.
///
/// libssh sessions are not thread-safe ("you cannot use a single session, or channels for a single
/// session, in several threads at the same time"), so nothing else touches the session.
final class SSHSessionThread: Sendable {
    /// Work for the session thread; it receives the thread's context.
    typealias Job = @Sendable (SSHSessionContext) -> Void

    private struct State: Sendable {
        var jobs: [Job] = []
        var isStopping = false
        var isStopped = false
    }

    private let state = Mutex(State())
    private let wakeDescriptor: Int32
    /// Runs tasks that prefer the session thread, between turns of its loop (see
    /// ``ReceivingThreadExecutor``).
    let executor: ReceivingThreadExecutor

    /// Starts the thread; it waits for jobs. The thread keeps this object alive until ``stop()``.
    init() throws(SSHError) {
        wakeDescriptor = eventfd(0, Int32(EFD_CLOEXEC) | Int32(EFD_NONBLOCK))
        guard wakeDescriptor >= 0 else {
            throw SSHError(
                .connectionFailed, "could not create an eventfd for the session thread; raise the descriptor limit")
        }
        executor = ReceivingThreadExecutor { [wakeDescriptor] in Self.signal(wakeDescriptor) }
        // The thread's closure holds this object until the loop ends at ``stop()``.
        do {
            try IOThread.startDetached(name: "ssh session") { [self] in run() }
        } catch {
            close(wakeDescriptor)
            throw SSHError(.connectionFailed, error.message)
        }
    }

    deinit {
        close(wakeDescriptor)
    }

    /// Makes the thread run its loop again: new jobs, bytes to send, a consumer that resumed.
    func wake() {
        Self.signal(wakeDescriptor)
    }

    /// Adds one to the eventfd the thread polls.
    private static func signal(_ descriptor: Int32) {
        var one: UInt64 = 1
        _ = write(descriptor, &one, MemoryLayout<UInt64>.size)
    }

    /// Queues `job`; returns `false` when the thread has stopped (the job will not run).
    @discardableResult
    func submit(_ job: @escaping Job) -> Bool {
        let accepted = state.withLock { state in
            guard !state.isStopped else { return false }
            state.jobs.append(job)
            return true
        }
        if accepted { wake() }
        return accepted
    }

    /// Runs `body` on the session thread and returns its result, suspending (not blocking) the caller.
    func perform<Value: Sendable>(
        _ body: @escaping @Sendable (SSHSessionContext) throws(SSHError) -> Value
    ) async throws(SSHError) -> Value {
        let outcome: Result<Value, SSHError> = await withCheckedContinuation { continuation in
            let accepted = submit { context in
                do throws(SSHError) {
                    continuation.resume(returning: .success(try body(context)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            if !accepted {
                continuation.resume(returning: .failure(SSHError(.disconnected, "the SSH connection was closed")))
            }
        }
        return try outcome.get()
    }

    /// Asks the thread to close the session and its channels and end. Idempotent.
    func stop() {
        state.withLock { $0.isStopping = true }
        wake()
    }

    private func run() {
        let context = SSHSessionContext(wakeDescriptor: wakeDescriptor)
        var pollImmediately = false
        while true {
            let (jobs, isStopping) = state.withLock { state in
                defer { state.jobs = [] }
                return (state.jobs, state.isStopping)
            }
            for job in jobs { job(context) }
            if isStopping { break }
            executor.runJobs()
            pollImmediately = context.serviceChannels()
            if !pollImmediately { pollImmediately = !executor.beginWaiting() }
            context.wait(immediately: pollImmediately)
            executor.endWaiting()
            context.checkConnection()
        }
        executor.stop()
        context.shutDown()
        // Jobs that arrived while stopping still run, with no session, so every caller hears back.
        let leftover = state.withLock { state in
            state.isStopped = true
            defer { state.jobs = [] }
            return state.jobs
        }
        for job in leftover { job(context) }
    }
}
