/// Moves the bytes of one agentproto connection; a ``Mux`` frames them.
///
/// A transport is a byte pipe, not a framer: it hands inbound bytes, in pieces of any size, to its
/// ``FrameTransportEndpoint`` and writes the outbound bytes it takes from it. So anything that can push
/// bytes in and pull bytes out can carry the protocol: a pair of file descriptors
/// (``FileDescriptorTransport``), an in-memory pipe (``InMemoryTransportPair``), or an SSH channel whose
/// session thread calls ``FrameTransportEndpoint/receive(_:)`` with what the channel read and writes
/// what ``FrameTransportEndpoint/takeOutboundBytes()`` returns as the channel window allows.
///
/// Contract:
/// - Inbound bytes are delivered from one thread at a time, in order. Before each read the transport
///   checks ``FrameTransportEndpoint/isReceivingPaused``; while it is true the transport reads nothing
///   and waits for ``resumeReceiving()``, which is how the mux bounds the memory of unread streams.
/// - The end of the inbound bytes is reported once, with ``FrameTransportEndpoint/receiveEnded(_:)``:
///   `nil` when the peer closed its side (end of file), the error otherwise.
/// - ``outboundBytesAvailable()`` is a wake-up hint: the transport then calls
///   ``FrameTransportEndpoint/takeOutboundBytes()`` until it returns `nil`, writing each buffer fully
///   before taking the next (taking again is what tells the mux the previous buffer left). A write
///   failure is reported with ``FrameTransportEndpoint/sendFailed(_:)``.
/// - ``FrameTransportEndpoint/isAwaitingReply`` is a hint a transport may read before it sleeps
///   waiting for input; ignoring it is correct.
/// - Every method is non-blocking and may be called from any thread.
public protocol FrameTransport: Sendable {
    /// Starts moving bytes for `endpoint`. Called once, before any other method.
    func start(_ endpoint: any FrameTransportEndpoint)

    /// The endpoint has outbound bytes queued: take and write them.
    func outboundBytesAvailable()

    /// The endpoint may no longer be paused: check ``FrameTransportEndpoint/isReceivingPaused`` again.
    func resumeReceiving()

    /// Stops both directions: writes what was already taken or is still queued, if the peer reads,
    /// then stops reading and releases the transport's resources. Idempotent.
    func close()

    /// Runs tasks on the thread that receives this transport's frames, if it has one (see
    /// ``ReceivingThreadExecutor``); `nil` otherwise. `nil` by default.
    var receivingExecutor: (any TaskExecutor)? { get }
}

extension FrameTransport {
    public var receivingExecutor: (any TaskExecutor)? { nil }
}

/// The side of a ``Mux`` a ``FrameTransport`` talks to.
public protocol FrameTransportEndpoint: Sendable {
    /// Bytes arrived, in order; any split of the stream is fine.
    func receive(_ bytes: UnsafeRawBufferPointer)

    /// Whether the transport should stop reading until ``FrameTransport/resumeReceiving()``.
    var isReceivingPaused: Bool { get }

    /// The inbound bytes ended: `nil` when the peer closed its side, else why reading failed.
    func receiveEnded(_ error: (any Error)?)

    /// All outbound bytes queued since the last call, encoded as one buffer; `nil` when nothing is queued.
    ///
    /// Calling it again also reports that the previous buffer was written.
    func takeOutboundBytes() -> [UInt8]?

    /// Writing failed; nothing more can be sent.
    func sendFailed(_ error: any Error)

    /// Whether a reply the endpoint asked for is due (a file operation is pending). A transport may
    /// then poll for input briefly before it sleeps: on a fast link the reply arrives sooner than a
    /// sleeping thread wakes. `false` by default.
    var isAwaitingReply: Bool { get }
}

extension FrameTransportEndpoint {
    public var isAwaitingReply: Bool { false }
}

/// A transport that can write a frame whose payload moves from another descriptor to its output
/// inside the kernel (`splice`), never entering the process: how the agent forwards bulk output.
public protocol SplicingFrameTransport: FrameTransport {
    /// Writes `envelope.header`, then `count` bytes from `source`, then `envelope.trailer`, after
    /// every frame the endpoint queued before; blocks the calling thread until written. Frames
    /// queued meanwhile follow it.
    ///
    /// - Parameters:
    ///   - source: a pipe only the caller reads, holding at least `count` bytes now.
    ///   - count: the payload's size, as `envelope` says.
    /// - Throws: ``TransportError`` when the output failed (the endpoint hears it too) or the
    ///   transport is closing (nothing was written).
    func writeFrame(_ envelope: FrameEnvelope, payloadFrom source: Int32, count: Int) throws(TransportError)
}
