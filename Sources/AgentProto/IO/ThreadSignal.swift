#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A one-waiter wake-up flag for blocking threads: `wait()` blocks until `signal()` was called since
/// the last `wait()` returned. A signal sent before the wait is not lost.
///
/// `@unchecked Sendable`: the pthread mutex guards `isSignalled`; the pointers never change.
package final class ThreadSignal: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var isSignalled = false

    package init() {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        // Timed waits measure a monotonic clock, so a wall-clock change cannot stretch them.
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        condition.deallocate()
    }

    /// Wakes the waiter, or lets its next `wait()` return at once.
    package func signal() {
        pthread_mutex_lock(mutex)
        isSignalled = true
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    /// Blocks the calling thread until signalled, then clears the flag.
    package func wait() {
        pthread_mutex_lock(mutex)
        while !isSignalled { pthread_cond_wait(condition, mutex) }
        isSignalled = false
        pthread_mutex_unlock(mutex)
    }

    /// Blocks until signalled or `milliseconds` pass; true (and the flag cleared) when signalled.
    package func wait(milliseconds: Int) -> Bool {
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        let nanoseconds = deadline.tv_nsec + (milliseconds % 1000) * 1_000_000
        deadline.tv_sec += milliseconds / 1000 + nanoseconds / 1_000_000_000
        deadline.tv_nsec = nanoseconds % 1_000_000_000
        pthread_mutex_lock(mutex)
        while !isSignalled {
            if pthread_cond_timedwait(condition, mutex, &deadline) == ETIMEDOUT { break }
        }
        let wasSignalled = isSignalled
        isSignalled = false
        pthread_mutex_unlock(mutex)
        return wasSignalled
    }
}
