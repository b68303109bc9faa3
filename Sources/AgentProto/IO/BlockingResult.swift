import Synchronization

/// A result one thread waits for and another delivers: how the mux parks a blocked (non-async) caller.
final class BlockingResult<Value: Sendable>: Sendable {
    private let value = Mutex<Result<Value, MuxError>?>(nil)
    private let signal = ThreadSignal()

    init() {}

    /// Delivers the result and wakes the waiter. Only the first delivery counts.
    func deliver(_ result: Result<Value, MuxError>) {
        let isFirst = value.withLock { value in
            guard value == nil else { return false }
            value = result
            return true
        }
        if isFirst { signal.signal() }
    }

    /// Blocks the calling thread until the result is delivered.
    func wait() -> Result<Value, MuxError> {
        while true {
            if let result = value.withLock({ $0 }) { return result }
            signal.wait()
        }
    }
}
