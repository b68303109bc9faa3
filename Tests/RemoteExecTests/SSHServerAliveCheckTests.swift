import Testing

@testable import RemoteExec

@Suite("ServerAliveInterval × ServerAliveCountMax schedule")
struct SSHServerAliveCheckTests {
    @Test("keepalives off: an interval of 0 makes no schedule")
    func disabled() {
        #expect(SSHServerAliveCheck(intervalSeconds: 0, countMax: 3, now: 0) == nil)
    }

    @Test("a silent server: one keepalive per interval, then give up after countMax unanswered, as ssh does")
    func silentServer() throws {
        var check = try #require(SSHServerAliveCheck(intervalSeconds: 15, countMax: 3, now: 0))
        #expect(check.millisecondsUntilDue(at: 0) == 15_000)
        #expect(check.check(at: 14_999) == .wait)
        #expect(check.check(at: 15_000) == .sendKeepalive)
        #expect(check.check(at: 15_001) == .wait, "never more often than the interval")
        #expect(check.millisecondsUntilDue(at: 20_000) == 10_000)
        #expect(check.check(at: 30_000) == .sendKeepalive)
        #expect(check.check(at: 45_000) == .sendKeepalive)
        #expect(check.check(at: 59_999) == .wait)
        #expect(check.check(at: 60_000) == .giveUp(unanswered: 3, seconds: 45))
    }

    @Test("an answer resets the count; the next keepalive waits a full interval after it")
    func answeredKeepalive() throws {
        var check = try #require(SSHServerAliveCheck(intervalSeconds: 1, countMax: 2, now: 0))
        #expect(check.check(at: 1_000) == .sendKeepalive)
        #expect(check.check(at: 2_000) == .sendKeepalive)
        check.received(at: 2_100)
        #expect(check.check(at: 3_000) == .wait)
        #expect(check.check(at: 3_100) == .sendKeepalive)
        #expect(check.check(at: 4_100) == .sendKeepalive)
        #expect(check.check(at: 5_100) == .giveUp(unanswered: 2, seconds: 2))
    }

    @Test("a busy connection never sends a keepalive and never times out, even with ServerAliveCountMax 0")
    func busyConnection() throws {
        var check = try #require(SSHServerAliveCheck(intervalSeconds: 1, countMax: 0, now: 0))
        for now in stride(from: Int64(200), through: 60_000, by: 200) {
            check.received(at: now)
            #expect(check.check(at: now + 100) == .wait)
        }
        #expect(check.check(at: 61_000) == .giveUp(unanswered: 0, seconds: 1))
    }
}
