import Glibc
import Testing

@testable import RemoteExec

@Suite("Polling for a due reply before sleeping")
struct SSHReplyPollingTests {
    @Test("polls at first, and while replies arrive within the spin")
    func fastReplies() {
        var polling = SSHReplyPolling()
        #expect(polling.spinBudget == SSHReplyPolling.longestSpin)
        for _ in 0..<20 { polling.inputArrived(after: .microseconds(35)) }
        #expect(polling.spinBudget == SSHReplyPolling.longestSpin)
    }

    @Test("stops polling on a link whose replies take longer than the spin, and starts again when they speed up")
    func slowLink() {
        var polling = SSHReplyPolling()
        for _ in 0..<20 { polling.inputArrived(after: .milliseconds(2)) }
        #expect(polling.spinBudget == .zero)
        #expect(polling.typicalWait == SSHReplyPolling.longestCountedWait, "a long wait counts as the cap")
        for _ in 0..<40 { polling.inputArrived(after: .microseconds(30)) }
        #expect(polling.spinBudget == SSHReplyPolling.longestSpin)
    }

    @Test("one slow reply among fast ones does not stop the polling")
    func oneSlowReply() {
        var polling = SSHReplyPolling()
        for _ in 0..<20 { polling.inputArrived(after: .microseconds(30)) }
        polling.inputArrived(after: .seconds(1))
        #expect(polling.spinBudget == SSHReplyPolling.longestSpin)
    }

    @Test("the wait says which descriptor became readable, or that none did in time")
    func readiness() throws {
        var socket: [Int32] = [-1, -1]
        var wake: [Int32] = [-1, -1]
        try #require(pipe(&socket) == 0)
        try #require(pipe(&wake) == 0)
        defer { for descriptor in socket + wake { close(descriptor) } }
        func wait(spinning budget: Duration) -> SSHReplyPolling.Readiness {
            SSHReplyPolling.wait(socket: socket[0], wake: wake[0], spinningFor: budget, timeoutMilliseconds: 20)
        }

        #expect(wait(spinning: .microseconds(50)) == .timedOut)
        var byte: UInt8 = 1
        #expect(write(wake[1], &byte, 1) == 1)
        #expect(wait(spinning: .microseconds(50)) == .wake)
        #expect(wait(spinning: .zero) == .wake)
        #expect(write(socket[1], &byte, 1) == 1)
        #expect(wait(spinning: .microseconds(50)) == .socket, "the socket wins when both are readable")
        #expect(wait(spinning: .zero) == .socket)
    }
}
