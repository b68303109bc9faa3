/// The server end of the soak's one connection: the `sshd` processes serving it (they live as long
/// as the connection) and the agents running under them (one per command, plus the spare).
struct ServerSide: Sendable {
    /// The listening sshd's pid; everything of this connection descends from it.
    var listenerPID: Int32

    /// The persistent sshd processes of the connection.
    func sessionFootprint() -> ProcessFootprint {
        ProcessFootprint.measure(ProcessFootprint.descendants(of: listenerPID).filter { $0.name == "sshd" }.map(\.pid))
    }

    /// Processes under the connection that are not sshd: agents and their commands.
    func agentCount() -> Int {
        ProcessFootprint.descendants(of: listenerPID).filter { $0.name != "sshd" }.count
    }

    /// Waits up to `seconds` for the agents to drop to `count` or fewer; the count reached.
    func settle(toAtMost count: Int, seconds: Double) async -> Int {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        var current = agentCount()
        while current > count, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
            current = agentCount()
        }
        return current
    }
}
