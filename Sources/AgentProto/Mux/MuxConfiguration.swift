/// How a ``Mux`` buffers and whom it tells about frames.
public struct MuxConfiguration: Sendable {
    /// Budget for received stream bytes nobody has read yet, across all streams. Above `high` the
    /// transport stops reading until consumers bring it down to `low`.
    public var inboundWatermarks = MuxWatermarks(low: 1 << 20, high: 4 << 20)
    /// Budget for frames queued but not yet written. Senders that wait (``Mux/send(_:)``,
    /// ``Mux/sendBlocking(_:)``) are parked at `high` until the queue drains to `low`.
    public var outboundWatermarks = MuxWatermarks(low: 256 << 10, high: 1 << 20)
    /// Sees every frame sent (before it is written) and received (after it is decoded); a recorder.
    public var observer: (any FrameObserver)?
    /// Limits for decoding the peer's frames.
    public var decodingLimits: CBORDecodingLimits = .default

    /// Creates the default configuration.
    public init(observer: (any FrameObserver)? = nil) {
        self.observer = observer
    }
}
