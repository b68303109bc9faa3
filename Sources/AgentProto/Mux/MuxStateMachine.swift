/// The mux's bookkeeping without threads or I/O: streams and their buffers, the outbound queue,
/// pending requests, the exit status, and the byte budgets. Every `mutating` method says what the
/// caller must do next (resume a waiter, pause reading, wake the writer); it never does it itself.
///
/// Callers parked in the mux are named by ``WaiterID``s the driver chooses; the driver maps them to
/// continuations or blocked threads.
public struct MuxStateMachine: Sendable {
    /// Names a caller parked in the mux (an async continuation or a blocked thread), chosen by the driver.
    public typealias WaiterID = UInt64

    /// Budget for stream bytes received but not yet read by their consumers.
    public let inboundWatermarks: MuxWatermarks
    /// Budget for frames queued for sending but not yet written.
    public let outboundWatermarks: MuxWatermarks

    // Inbound
    var streams: [UInt32: InboundStream] = [:]
    var nextStreamGeneration: UInt64 = 0
    /// Stream bytes buffered across all streams.
    public internal(set) var inboundBufferedByteCount = 0
    /// Whether the transport should stop reading until consumers catch up.
    public internal(set) var isReceivingPaused = false
    /// How the input ended, once it has.
    public internal(set) var inputEnd: MuxInputEnd?

    // Outbound
    var outboundFrames: [Frame] = []
    var outboundQueuedByteCount = 0
    var outboundInFlightByteCount = 0
    var isWriterIdle = true
    var sendWaiters: [WaiterID] = []
    /// Why sending stopped, once it has.
    public internal(set) var outputFailure: MuxError?

    // Requests and results
    var nextRequestID: UInt32 = 1
    var pendingFileOperations: [UInt32: WaiterID] = [:]
    var pathQueryWaiters: [WaiterID] = []
    var exitWaiters: [WaiterID] = []
    /// The Exit frame's status, once it arrived.
    public internal(set) var exitStatus: MuxExitStatus?

    /// Creates a state machine with the given budgets.
    ///
    /// - Parameter firstRequestID: the id the first file operation gets (1 on a new connection; other
    ///   values let tests reach the wrap-around).
    public init(inbound: MuxWatermarks, outbound: MuxWatermarks, firstRequestID: UInt32 = 1) {
        self.inboundWatermarks = inbound
        self.outboundWatermarks = outbound
        self.nextRequestID = firstRequestID
    }

    /// Bytes queued or being written.
    public var outboundByteCount: Int { outboundQueuedByteCount + outboundInFlightByteCount }

    /// File operations waiting for their response.
    public var pendingFileOperationCount: Int { pendingFileOperations.count }

    /// Bytes a frame is charged against the outbound budget: its payloads plus a small header allowance.
    static func budgetCost(of frame: Frame) -> Int {
        16 + frame.data.count + (frame.fileOperation?.data.count ?? 0)
            + (frame.fileOperationResponse?.data.count ?? 0)
    }
}

/// One inbound stream's buffer.
struct InboundStream: Sendable {
    /// Which opening of the stream number this is (see ``MuxStateMachine/openStream(_:)``).
    let generation: UInt64
    var chunks: [[UInt8]] = []
    var head = 0
    var bufferedByteCount = 0
    var isEndReceived = false
    var reader: MuxStateMachine.WaiterID?

    var hasChunk: Bool { head < chunks.count }

    mutating func popChunk() -> [UInt8] {
        let chunk = chunks[head]
        chunks[head] = []
        head += 1
        if head == chunks.count {
            chunks.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64 && head * 2 >= chunks.count {
            chunks.removeSubrange(0..<head)
            head = 0
        }
        bufferedByteCount -= chunk.count
        return chunk
    }
}
