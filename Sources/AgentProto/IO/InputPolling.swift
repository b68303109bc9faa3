#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// How a thread that receives a mux's input waits when it expects input soon: a reply that is due
/// (a pending file operation), or, right after a reply arrived, its caller's next request. It polls
/// without sleeping for up to ``longestSpin`` first, as long as such input has been arriving within
/// that time, then sleeps in `poll` as it otherwise does. Used by ``FileDescriptorTransport``'s
/// reader and by the SSH session thread.
///
/// A thread that sleeps leaves its core idle, and waking an idle core (an interrupt, and in a
/// virtual machine an exit to the host) is a large part of a fast round trip. Measured on a 2-core
/// VM: a `stat` over a loopback SSH connection took 40 µs when the session thread slept and 33 µs
/// when it polled for the reply; from a caller on Swift's cooperative pool 46–50 µs, and 42–45 µs
/// when it also polled for the caller's next request; a file-op RPC over a socketpair 19.6 µs, and
/// 13.3 µs when the reader polled. On a slower link, or with callers that pause between requests,
/// the average wait grows past the spin and the thread sleeps at once, so polling costs at most
/// ``longestSpin`` of one core per reply, and only where input comes that fast.
///
/// The caller decides when waiting is all that is left (``expectation(isAwaitingReply:isOnlyWaiting:)``):
/// never while a transfer streams or output waits to be written. Then the cores are busy anyway and a
/// polling thread only takes time from the processes feeding it: over SSH, polling at every wait cost
/// 1 GiB of stdin 5 %, of recorded output 7 % and a 1 GiB get 7 %.
package struct InputPolling: Sendable {
    /// The input a thread expects soon.
    package enum Expectation: Sendable {
        /// A reply that is due.
        case reply
        /// The next request of a caller whose reply just arrived.
        case nextRequest
    }

    /// Why ``wait(for:input:wake:timeoutMilliseconds:)`` returned.
    package enum Readiness: Sendable, Equatable {
        /// The input descriptor is readable (or has an error to report).
        case input
        /// Only the wake-up descriptor is readable: the thread has other work.
        case wake
        /// Neither, within the timeout.
        case timedOut
    }

    /// The longest a thread polls before it sleeps.
    package static let longestSpin: Duration = .microseconds(100)
    /// Waits longer than this count as this much, so one slow reply (a cold disk) does not stop the
    /// polling for long, while a link whose replies all take longer stops it for good.
    package static let longestCountedWait: Duration = longestSpin * 4

    private var replyWait = MovingWait()
    private var nextRequestWait = MovingWait()
    private var wasAwaitingReply = false

    package init() {}

    /// What to expect from the next wait, if anything soon. Call once before each wait.
    ///
    /// - Parameters:
    ///   - isAwaitingReply: a reply is due; asked only when `isOnlyWaiting` (it may take a lock).
    ///   - isOnlyWaiting: the thread waits for nothing else: no transfer streams, no output waits.
    package mutating func expectation(
        isAwaitingReply: @autoclosure () -> Bool, isOnlyWaiting: Bool
    ) -> Expectation? {
        guard isOnlyWaiting else {
            wasAwaitingReply = false
            return nil
        }
        let wasAwaiting = wasAwaitingReply
        wasAwaitingReply = isAwaitingReply()
        if wasAwaitingReply { return .reply }
        return wasAwaiting ? .nextRequest : nil
    }

    /// How long the thread polls before it sleeps when it expects `expected`.
    package func spinBudget(for expected: Expectation) -> Duration {
        guard let typical = typicalWait(for: expected) else { return Self.longestSpin }
        return typical <= Self.longestSpin ? Self.longestSpin : .zero
    }

    /// The moving average of how long `expected` took to arrive; nil before the first time.
    package func typicalWait(for expected: Expectation) -> Duration? {
        expected == .reply ? replyWait.typical : nextRequestWait.typical
    }

    /// Notes that `expected` arrived `wait` after the thread began waiting for it.
    package mutating func arrived(_ expected: Expectation, after wait: Duration) {
        switch expected {
        case .reply: replyWait.add(wait)
        case .nextRequest: nextRequestWait.add(wait)
        }
    }

    /// Waits for `expected`: polls `input` and `wake` without sleeping for up to the spin budget, then
    /// sleeps until either is readable or `timeoutMilliseconds` pass (-1: no limit), and notes how long
    /// the input took. Reads nothing.
    package mutating func wait(
        for expected: Expectation, input: Int32, wake: Int32, timeoutMilliseconds: Int32
    ) -> Readiness {
        let start = ContinuousClock.now
        let readiness = Self.wait(
            input: input, wake: wake, spinningFor: spinBudget(for: expected), timeoutMilliseconds: timeoutMilliseconds)
        // A reply comes on the input; a next request is queued by its caller, which wakes the thread.
        switch (expected, readiness) {
        case (.reply, .input), (.nextRequest, .input), (.nextRequest, .wake):
            arrived(expected, after: start.duration(to: .now))
        case (.reply, .wake), (_, .timedOut):
            break
        }
        return readiness
    }

    /// Polls `input` and `wake` without sleeping for up to `budget`, then sleeps until either is
    /// readable or `timeoutMilliseconds` pass (-1: no limit). Reads nothing.
    package static func wait(
        input: Int32, wake: Int32, spinningFor budget: Duration, timeoutMilliseconds: Int32
    ) -> Readiness {
        var descriptors = [
            pollfd(fd: input, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wake, events: Int16(POLLIN), revents: 0),
        ]
        func readiness(_ count: Int32) -> Readiness? {
            guard count > 0 else { return nil }
            return descriptors[0].revents != 0 ? .input : .wake
        }
        if budget > .zero {
            let clock = ContinuousClock()
            let deadline = clock.now + budget
            repeat {
                if let ready = readiness(poll(&descriptors, 2, 0)) { return ready }
                // A process sharing this core (the peer, on a loopback connection) runs first.
                sched_yield()
            } while clock.now < deadline
        }
        return readiness(poll(&descriptors, 2, timeoutMilliseconds)) ?? .timedOut
    }

    /// A moving average of waits, each counted as at most ``longestCountedWait``.
    private struct MovingWait: Sendable {
        var typical: Duration?

        mutating func add(_ wait: Duration) {
            let counted = min(wait, InputPolling.longestCountedWait)
            guard let typical else {
                self.typical = counted
                return
            }
            self.typical = typical + (counted - typical) / 8
        }
    }
}
