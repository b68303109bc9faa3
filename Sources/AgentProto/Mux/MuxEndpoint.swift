import Synchronization

/// The mux as its transport sees it. Holds the mux weakly, so a mux its owner dropped closes its
/// transport instead of being kept alive by the transport's threads.
final class MuxEndpoint: FrameTransportEndpoint {
    struct WeakMux: Sendable {
        weak var mux: Mux?
    }

    let mux = Mutex(WeakMux())

    private var owner: Mux? { mux.withLock { $0.mux } }

    func receive(_ bytes: UnsafeRawBufferPointer) {
        owner?.receive(bytes)
    }

    var isReceivingPaused: Bool {
        owner?.state.withLock { $0.machine.isReceivingPaused } ?? false
    }

    func receiveEnded(_ error: (any Error)?) {
        owner?.receiveEnded(error)
    }

    var isAwaitingReply: Bool {
        owner?.state.withLock { $0.machine.pendingFileOperationCount > 0 } ?? false
    }

    func takeOutboundBytes() -> [UInt8]? {
        owner?.takeOutboundBytes()
    }

    func sendFailed(_ error: any Error) {
        owner?.fail(MuxError(.sendFailed, "writing to the peer failed; the connection is gone", cause: error))
    }
}
