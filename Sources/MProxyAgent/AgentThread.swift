// Detached pthreads for the agent's blocking work (pipe pumps, the reaper, connection-loss
// teardown), so blocking calls never run on Swift's cooperative pool.

import Glibc

/// Starts named, detached threads.
enum AgentThread {
    /// Runs `body` on a new detached thread; false when the system refuses a thread.
    @discardableResult
    static func detach(_ body: @escaping @Sendable () -> Void) -> Bool {
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        // Pumps need little stack; 256 KiB keeps many concurrent streams cheap.
        pthread_attr_setstacksize(&attributes, 256 << 10)
        let result = pthread_create(&thread, &attributes, { context in
            guard let context else { return nil }
            Unmanaged<Box>.fromOpaque(context).takeRetainedValue().body()
            return nil
        }, context)
        if result != 0 {
            Unmanaged<Box>.fromOpaque(context).release()
            return false
        }
        return true
    }

    private final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
}
