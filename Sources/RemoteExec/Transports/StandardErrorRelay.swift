import Synchronization

/// Forwards an agent's standard error to whichever command uses the agent now.
final class StandardErrorRelay: Sendable {
    private let destination: Mutex<@Sendable ([UInt8]) -> Void>

    init(_ destination: @escaping @Sendable ([UInt8]) -> Void) {
        self.destination = Mutex(destination)
    }

    /// Where the agent's diagnostics go now.
    var current: @Sendable ([UInt8]) -> Void { destination.withLock { $0 } }

    /// Sends what the agent writes from now on to `destination`.
    func redirect(to destination: @escaping @Sendable ([UInt8]) -> Void) {
        self.destination.withLock { $0 = destination }
    }

    /// Passes `bytes` on.
    func forward(_ bytes: [UInt8]) {
        current(bytes)
    }
}
