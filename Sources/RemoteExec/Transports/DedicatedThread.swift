#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Starts a detached pthread for blocking work (waiting for a child, copying its standard error),
/// so blocking calls never run on Swift's cooperative pool.
enum DedicatedThread {
    private final class Box {
        let body: () -> Void
        init(body: @escaping () -> Void) { self.body = body }
    }

    /// Runs `body` on a new detached thread.
    ///
    /// - Throws: ``ExecutionError`` `launchFailed` when the system refuses a new thread.
    static func start(name: String, _ body: @escaping @Sendable () -> Void) throws(ExecutionError) {
        let context = Unmanaged.passRetained(Box(body: body)).toOpaque()
        var thread: pthread_t = 0
        let result = pthread_create(
            &thread, nil,
            { context in
                guard let context else { return nil }
                Unmanaged<Box>.fromOpaque(context).takeRetainedValue().body()
                return nil
            }, context)
        guard result == 0 else {
            Unmanaged<Box>.fromOpaque(context).release()
            throw ExecutionError(
                .launchFailed, "could not start the \(name) thread (\(String(cString: strerror(result)))); free threads or memory")
        }
        // Nobody joins it: it releases its resources when `body` returns.
        pthread_detach(thread)
    }
}
