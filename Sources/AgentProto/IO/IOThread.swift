#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A dedicated pthread for blocking I/O, so blocking calls never run on Swift's cooperative pool.
///
/// `@unchecked Sendable`: `thread` is written once by `start` before the handle is shared and read
/// only by `join`, which its owner calls once.
final class IOThread: @unchecked Sendable {
    private var thread: pthread_t?

    private init() {}

    /// Starts `body` on a new thread.
    ///
    /// - Throws: ``TransportError`` with code `setupFailed` when the system refuses a new thread.
    static func start(name: String, _ body: @escaping @Sendable () -> Void) throws(TransportError) -> IOThread {
        let handle = IOThread()
        let context = Unmanaged.passRetained(Box(name: name, body: body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            let box = Unmanaged<Box>.fromOpaque(context).takeRetainedValue()
            box.body()
            return nil
        }, context)
        guard result == 0 else {
            Unmanaged<Box>.fromOpaque(context).release()
            throw TransportError(
                .setupFailed, systemErrorNumber: result, "could not start the \(name) thread; free some threads or memory")
        }
        handle.thread = thread
        return handle
    }

    /// Lets the thread release its resources by itself when it finishes; nobody will join it.
    func detach() {
        guard let thread else { return }
        self.thread = nil
        pthread_detach(thread)
    }

    /// Waits for the thread to finish. Must not be called from the thread itself.
    func join() {
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
