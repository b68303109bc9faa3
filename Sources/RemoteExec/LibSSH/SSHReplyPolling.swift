#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// How the session thread waits for input it expects soon: a reply that is due (a pending file
/// operation), or, right after a reply was delivered, its caller's next request. It polls without
/// sleeping for up to ``longestSpin`` first, as long as such input has been arriving within that
/// time; one value per kind of expectation keeps that average.
///
/// A thread that sleeps in `poll` leaves its core idle, and waking an idle core (an interrupt, and in
/// a virtual machine an exit to the host) is a large part of a fast round trip: on a loopback
/// connection a `stat` took 40 µs when the thread slept and 33 µs when it polled for the reply; from
/// a caller on Swift's cooperative pool, 46–50 µs, and 42–45 µs when the thread also polled for the
/// caller's next request. On a slower link, or with callers that pause between requests, the typical
/// wait grows past the spin and the thread sleeps at once, as it always did, so polling costs at
/// most ``longestSpin`` of one core per reply, and only where input comes that fast.
///
/// The session thread polls only when waiting is all that is left: not for a plain command (its
/// output may take any time), not while the channel window holds input back, and not while a
/// transfer streams. Then the cores are busy anyway, and a polling thread would take time from the
/// processes feeding it: polling at every wait cost 1 GiB of stdin 5 %, of recorded output 7 % and
/// a 1 GiB get 7 %.
struct SSHReplyPolling {
    /// The input the thread expects soon.
    enum Expectation {
        /// A reply that is due.
        case reply
        /// The next request of a caller whose reply was just delivered.
        case nextRequest
    }

    /// The longest the thread polls before it sleeps.
    static let longestSpin: Duration = .microseconds(100)
    /// Waits longer than this count as this much, so one slow reply (a cold disk) does not stop the
    /// polling for long, while a link whose replies all take longer stops it for good.
    static let longestCountedWait: Duration = longestSpin * 4

    /// A moving average of how long the expected input took to arrive; nil before the first.
    private(set) var typicalWait: Duration?

    /// How long to poll before sleeping for the next expected input.
    var spinBudget: Duration {
        guard let typicalWait else { return Self.longestSpin }
        return typicalWait <= Self.longestSpin ? Self.longestSpin : .zero
    }

    /// Notes that the expected input arrived `wait` after the thread began waiting for it.
    mutating func inputArrived(after wait: Duration) {
        let counted = min(wait, Self.longestCountedWait)
        guard let typicalWait else {
            self.typicalWait = counted
            return
        }
        self.typicalWait = typicalWait + (counted - typicalWait) / 8
    }

    /// Why ``wait(socket:wake:spinningFor:timeoutMilliseconds:)`` returned.
    enum Readiness: Equatable {
        /// The socket has input (or an error to report).
        case socket
        /// Only the wake-up descriptor is readable: the thread has other work.
        case wake
        /// Neither, within the timeout.
        case timedOut
    }

    /// Polls `socket` and `wake` without sleeping for up to `budget`, then sleeps until either is
    /// readable or `timeoutMilliseconds` pass (-1: no limit). Reads nothing.
    static func wait(
        socket: Int32, wake: Int32, spinningFor budget: Duration, timeoutMilliseconds: Int32
    ) -> Readiness {
        var descriptors = [
            pollfd(fd: socket, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wake, events: Int16(POLLIN), revents: 0),
        ]
        func readiness(_ count: Int32) -> Readiness? {
            guard count > 0 else { return nil }
            return descriptors[0].revents != 0 ? .socket : .wake
        }
        if budget > .zero {
            let clock = ContinuousClock()
            let deadline = clock.now + budget
            repeat {
                if let ready = readiness(poll(&descriptors, 2, 0)) { return ready }
                // A process sharing this core (the server, on a loopback connection) runs first.
                sched_yield()
            } while clock.now < deadline
        }
        return readiness(poll(&descriptors, 2, timeoutMilliseconds)) ?? .timedOut
    }
}
