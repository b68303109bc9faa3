/// OpenSSH's `ServerAliveInterval` and `ServerAliveCountMax`, as a schedule the session thread
/// consults: after an interval in which nothing arrived from the server, send a keepalive (a request
/// the server must answer); anything that arrives resets the count; when `countMax` keepalives in a
/// row went unanswered and one more interval passed, the server is gone.
///
/// With the default count of 3 and an interval of 15 s, a stalled server is given up on 60 s after it
/// last said anything, 45 s after the first unanswered keepalive, as `ssh` does. A connection that
/// keeps receiving never sends a keepalive and never times out. Times are monotonic milliseconds,
/// passed in so the schedule is a plain value.
struct SSHServerAliveCheck: Equatable {
    /// What the session thread should do now.
    enum Action: Equatable {
        /// Nothing is due yet.
        case wait
        /// Send one keepalive request.
        case sendKeepalive
        /// The server answered none of `unanswered` keepalives over `seconds`: end the session.
        case giveUp(unanswered: Int, seconds: Int)
    }

    /// Milliseconds of silence before each keepalive.
    let interval: Int64
    /// Keepalives that may go unanswered.
    let countMax: Int
    private var unanswered = 0
    private var firstUnansweredAt: Int64 = 0
    private var lastReceivedAt: Int64
    private var nextCheckAt: Int64

    /// The schedule for `intervalSeconds` and `countMax`, or `nil` when keepalives are off
    /// (an interval of 0 or less).
    init?(intervalSeconds: Int, countMax: Int, now: Int64) {
        guard intervalSeconds > 0 else { return nil }
        interval = Int64(intervalSeconds) * 1000
        self.countMax = max(0, countMax)
        lastReceivedAt = now
        nextCheckAt = now + interval
    }

    /// Milliseconds until ``check(at:)`` has something to do, 0 when it is due.
    func millisecondsUntilDue(at now: Int64) -> Int64 {
        max(0, nextCheckAt - now)
    }

    /// Something arrived from the server: it is alive, so the count starts again.
    mutating func received(at now: Int64) {
        unanswered = 0
        lastReceivedAt = now
        nextCheckAt = now + interval
    }

    /// What is due at `now`; counts a keepalive as sent when it says to send one.
    mutating func check(at now: Int64) -> Action {
        guard now >= nextCheckAt else { return .wait }
        if unanswered >= countMax {
            let since = unanswered > 0 ? firstUnansweredAt : lastReceivedAt
            return .giveUp(unanswered: unanswered, seconds: Int((now - since + 500) / 1000))
        }
        if unanswered == 0 { firstUnansweredAt = now }
        unanswered += 1
        nextCheckAt = now + interval
        return .sendKeepalive
    }
}
