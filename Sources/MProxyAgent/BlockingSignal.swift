// A wake-up flag a blocking thread can wait on, with an optional deadline (the connection-loss
// grace period). Pthread mutex and condition variable: the agent's threads are not Swift tasks.

import Glibc

/// A flag that, once raised, releases every waiter, now and later.
///
/// `@unchecked Sendable`: the pthread mutex guards `isRaised`; the pointers never change.
final class BlockingSignal: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var isRaised = false

    init() {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
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

    /// Raises the flag and wakes every waiter.
    func raise() {
        pthread_mutex_lock(mutex)
        isRaised = true
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }

    /// Blocks until the flag is raised.
    func wait() {
        pthread_mutex_lock(mutex)
        while !isRaised { pthread_cond_wait(condition, mutex) }
        pthread_mutex_unlock(mutex)
    }

    /// Blocks until the flag is raised, then lowers it again (a reusable wake-up: a raise before
    /// the wait is not lost).
    func waitAndLower() {
        pthread_mutex_lock(mutex)
        while !isRaised { pthread_cond_wait(condition, mutex) }
        isRaised = false
        pthread_mutex_unlock(mutex)
    }

    /// Blocks until the flag is raised or `milliseconds` pass; true when it was raised.
    func wait(milliseconds: Int) -> Bool {
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        let total = deadline.tv_nsec + (milliseconds % 1000) * 1_000_000
        deadline.tv_sec += milliseconds / 1000 + total / 1_000_000_000
        deadline.tv_nsec = total % 1_000_000_000
        pthread_mutex_lock(mutex)
        while !isRaised {
            if pthread_cond_timedwait(condition, mutex, &deadline) == ETIMEDOUT { break }
        }
        let raised = isRaised
        pthread_mutex_unlock(mutex)
        return raised
    }
}
