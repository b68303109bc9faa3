import AgentProto
import Synchronization

/// Watches a command's frames for the agent's hello and passes every frame on to the caller's
/// observer (a recorder), so both see the same frames without a second hook in the mux.
final class HelloObserver: FrameObserver {
    let next: (any FrameObserver)?
    let hello = Mutex<AgentHello?>(nil)

    /// What the agent announced, once its hello arrived.
    var capabilities: [String]? { hello.withLock { $0?.capabilities } }

    init(next: (any FrameObserver)?) {
        self.next = next
    }

    func observe(_ frame: Frame, direction: FrameDirection) throws {
        if direction == .receive, frame.type == .hello, let received = frame.hello {
            hello.withLock { $0 = received }
        }
        try next?.observe(frame, direction: direction)
    }
}
