#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A counting semaphore for dedicated threads (POSIX `sem_t`): worker pools wait on it for jobs.
///
/// `@unchecked Sendable`: `sem_t` is made for use from many threads; the pointer never changes.
package final class CountingSemaphore: @unchecked Sendable {
    private let semaphore: UnsafeMutablePointer<sem_t>

    /// Creates a semaphore with no permits.
    package init() {
        semaphore = .allocate(capacity: 1)
        sem_init(semaphore, 0, 0)
    }

    deinit {
        sem_destroy(semaphore)
        semaphore.deallocate()
    }

    /// Adds one permit, waking a waiter.
    package func post() { sem_post(semaphore) }

    /// Takes one permit, blocking the calling thread until there is one. Never call it from the
    /// cooperative pool.
    package func wait() {
        while sem_wait(semaphore) != 0 && errno == EINTR {}
    }
}
