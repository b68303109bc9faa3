import Synchronization

/// An exit status a walk's error callback may set.
final class StatusBox: Sendable {
    private let status = Mutex<Int32>(0)
    /// Marks the command failed.
    func fail() { status.withLock { $0 = 1 } }
    /// The status.
    var value: Int32 { status.withLock { $0 } }
}
