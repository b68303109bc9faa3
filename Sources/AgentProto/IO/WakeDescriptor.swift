#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A pipe a thread polls next to its I/O descriptor, so another thread can wake it (new work,
/// resume, stop) without touching the descriptor it is blocked on. (eventfd would do, but the
/// Glibc module does not export it; a non-blocking pipe behaves the same for this.)
struct WakeDescriptor: Sendable {
    /// Poll this for `POLLIN`.
    let descriptor: Int32
    private let writeDescriptor: Int32

    /// - Throws: `setupFailed` when the system has no descriptors left.
    init() throws(TransportError) {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else {
            throw TransportError(
                .setupFailed, systemErrorNumber: errno, "could not create a wake-up pipe; raise the descriptor limit")
        }
        descriptor = descriptors[0]
        writeDescriptor = descriptors[1]
        // Not inherited by children the agent spawns; never blocks the waker or the drainer.
        for end in descriptors {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
        }
    }

    /// Makes the next poll return. Wake-ups coalesce: a full pipe already wakes the poller.
    func wake() {
        var byte: UInt8 = 1
        _ = write(writeDescriptor, &byte, 1)
    }

    /// Clears pending wake-ups.
    func drain() {
        var bytes = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        while withUnsafeMutableBytes(of: &bytes, { read(descriptor, $0.baseAddress, $0.count) }) > 0 {}
    }

    func close() {
        closeDescriptor(descriptor)
        closeDescriptor(writeDescriptor)
    }
}

/// Closes `descriptor`, ignoring errors (there is nothing useful to do about them at that point).
func closeDescriptor(_ descriptor: Int32) {
    #if canImport(Glibc)
        _ = Glibc.close(descriptor)
    #elseif canImport(Musl)
        _ = Musl.close(descriptor)
    #endif
}
