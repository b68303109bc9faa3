import AgentProto
import Glibc
import Testing

@Suite("Polling for expected input before sleeping")
struct InputPollingTests {
    @Test("polls at first, and while replies arrive within the spin")
    func fastReplies() {
        var polling = InputPolling()
        #expect(polling.spinBudget(for: .reply) == InputPolling.longestSpin)
        for _ in 0..<20 { polling.arrived(.reply, after: .microseconds(35)) }
        #expect(polling.spinBudget(for: .reply) == InputPolling.longestSpin)
    }

    @Test("stops polling on a link whose replies take longer than the spin, and starts again when they speed up")
    func slowLink() {
        var polling = InputPolling()
        for _ in 0..<20 { polling.arrived(.reply, after: .milliseconds(2)) }
        #expect(polling.spinBudget(for: .reply) == .zero)
        #expect(polling.typicalWait(for: .reply) == InputPolling.longestCountedWait, "a long wait counts as the cap")
        for _ in 0..<40 { polling.arrived(.reply, after: .microseconds(30)) }
        #expect(polling.spinBudget(for: .reply) == InputPolling.longestSpin)
    }

    @Test("one slow reply among fast ones does not stop the polling")
    func oneSlowReply() {
        var polling = InputPolling()
        for _ in 0..<20 { polling.arrived(.reply, after: .microseconds(30)) }
        polling.arrived(.reply, after: .seconds(1))
        #expect(polling.spinBudget(for: .reply) == InputPolling.longestSpin)
    }

    @Test("callers that pause between requests stop the polling for them, not for replies")
    func pausingCallers() {
        var polling = InputPolling()
        for _ in 0..<20 {
            polling.arrived(.reply, after: .microseconds(30))
            polling.arrived(.nextRequest, after: .milliseconds(10))
        }
        #expect(polling.spinBudget(for: .reply) == InputPolling.longestSpin)
        #expect(polling.spinBudget(for: .nextRequest) == .zero)
    }

    @Test("expects a reply while one is due, the next request once right after, and nothing while busy")
    func expectations() {
        var polling = InputPolling()
        #expect(polling.expectation(isAwaitingReply: false, isOnlyWaiting: true) == nil)
        #expect(polling.expectation(isAwaitingReply: true, isOnlyWaiting: true) == .reply)
        #expect(polling.expectation(isAwaitingReply: true, isOnlyWaiting: true) == .reply)
        #expect(polling.expectation(isAwaitingReply: false, isOnlyWaiting: true) == .nextRequest)
        #expect(polling.expectation(isAwaitingReply: false, isOnlyWaiting: true) == nil, "only right after the reply")

        #expect(polling.expectation(isAwaitingReply: true, isOnlyWaiting: false) == nil, "a transfer streams")
        #expect(polling.expectation(isAwaitingReply: false, isOnlyWaiting: true) == nil, "no reply was awaited idly")
        #expect(polling.expectation(isAwaitingReply: true, isOnlyWaiting: true) == .reply)
        #expect(polling.expectation(isAwaitingReply: false, isOnlyWaiting: false) == nil)
    }

    @Test("the wait says which descriptor became readable, or that none did in time, and learns from it")
    func readiness() throws {
        var input: [Int32] = [-1, -1]
        var wake: [Int32] = [-1, -1]
        try #require(pipe(&input) == 0)
        try #require(pipe(&wake) == 0)
        defer { for descriptor in input + wake { close(descriptor) } }
        func wait(spinning budget: Duration) -> InputPolling.Readiness {
            InputPolling.wait(input: input[0], wake: wake[0], spinningFor: budget, timeoutMilliseconds: 20)
        }

        #expect(wait(spinning: .microseconds(50)) == .timedOut)
        var byte: UInt8 = 1
        #expect(write(wake[1], &byte, 1) == 1)
        #expect(wait(spinning: .microseconds(50)) == .wake)
        #expect(wait(spinning: .zero) == .wake)
        #expect(write(input[1], &byte, 1) == 1)
        #expect(wait(spinning: .microseconds(50)) == .input, "the input wins when both are readable")
        #expect(wait(spinning: .zero) == .input)

        var polling = InputPolling()
        #expect(polling.wait(for: .reply, input: input[0], wake: wake[0], timeoutMilliseconds: 20) == .input)
        #expect(polling.typicalWait(for: .reply) != nil)
        #expect(polling.wait(for: .nextRequest, input: input[0], wake: wake[0], timeoutMilliseconds: 20) == .input)
        #expect(polling.typicalWait(for: .nextRequest) != nil)
    }
}
