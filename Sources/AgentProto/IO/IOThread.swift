// The module's C headers (spawn.h) also declare the pthread types; with member import visibility a
// release build may resolve `pthread_attr_t()` to them.
import CSystemExtras

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A dedicated pthread for blocking I/O, so blocking calls never run on Swift's cooperative pool.
///
/// `@unchecked Sendable`: `thread` is written once by `start` before the handle is shared and read
/// only by `join`, which its owner calls once.
package final class IOThread: @unchecked Sendable {
    private var thread: pthread_t?

    private init() {}

    /// Starts `body` on a new thread.
    ///
    /// - Parameters:
    ///   - name: what the thread is for, in the error when it cannot start.
    ///   - stackSize: bytes of stack; the system default (often 8 MiB of address space) when nil.
    ///     Pumps that only move bytes need little, which keeps many concurrent streams cheap.
    /// - Throws: ``TransportError`` with code `setupFailed` when the system refuses a new thread.
    package static func start(
        name: String, stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void
    ) throws(TransportError) -> IOThread {
        let handle = IOThread()
        let context = Unmanaged.passRetained(Box(name: name, body: body)).toOpaque()
        var thread = pthread_t()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        if let stackSize { pthread_attr_setstacksize(&attributes, stackSize) }
        let result = pthread_create(
            &thread, &attributes,
            { context in
                guard let context else { return nil }
                let box = Unmanaged<Box>.fromOpaque(context).takeRetainedValue()
                box.body()
                return nil
            }, context)
        guard result == 0 else {
            Unmanaged<Box>.fromOpaque(context).release()
            throw TransportError(
                .setupFailed, systemErrorNumber: result,
                "could not start the \(name) thread; free some threads or memory")
        }
        handle.thread = thread
        return handle
    }

    /// Starts `body` on a new thread nobody joins.
    ///
    /// - Throws: ``TransportError`` with code `setupFailed` when the system refuses a new thread.
    package static func startDetached(
        name: String, stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void
    ) throws(TransportError) {
        try start(name: name, stackSize: stackSize, body).detach()
    }

    /// Lets the thread release its resources by itself when it finishes; nobody will join it.
    package func detach() {
        guard let thread else { return }
        self.thread = nil
        pthread_detach(thread)
    }

    /// Waits for the thread to finish. Must not be called from the thread itself.
    package func join() {
        guard let thread else { return }
        self.thread = nil
        pthread_join(thread, nil)
    }

    private final class Box {
        let name: String
        let body: @Sendable () -> Void
        init(name: String, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }
}
