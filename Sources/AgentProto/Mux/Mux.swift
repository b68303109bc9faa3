import Synchronization

/// Multiplexes one agentproto connection: stream data, signals, exit, logs, PATH queries and the
/// file-operation RPC over a ``FrameTransport``.
///
/// Two thin faces over one ``MuxStateMachine``:
/// - async, for the client: ``send(_:)``, ``MuxStream`` as an `AsyncSequence` of chunks,
///   ``exitStatus()``, ``fileOperation(_:)``, ``pathQuery(_:)``;
/// - threaded, for the agent: ``MuxHandlers`` called on the receiving thread, ``sendBlocking(_:)``,
///   ``sendWithoutWaiting(_:)``, ``MuxStream/readBlocking()``.
///
/// No head-of-line blocking within the budgets: Data is buffered per stream and every other frame is
/// dispatched as soon as it is decoded, so a consumer that stops reading one stream does not hold
/// back Signal, Exit, FileResp, Log or the other streams until all streams together buffer
/// ``MuxConfiguration/inboundWatermarks`` `high` bytes; then the transport stops reading, which keeps
/// memory bounded (only per-stream credit, a protocol extension, could do better).
///
/// ```swift
/// let mux = Mux(transport: transport)
/// let output = try mux.openStream(1)
/// mux.start()
/// try await mux.send(.exec(request))
/// for try await chunk in output { write(chunk) }
/// let status = try await mux.exitStatus()
/// ```
public final class Mux: Sendable {
    let transport: any FrameTransport
    let configuration: MuxConfiguration
    let handlers: MuxHandlers
    let state: Mutex<MuxState>
    let inbound: InboundDecoder
    let endpoint: MuxEndpoint

    /// Creates a mux over `transport`; nothing moves until ``start()``.
    ///
    /// - Parameters:
    ///   - transport: carries the bytes; the mux starts and closes it.
    ///   - configuration: budgets and the frame observer.
    ///   - handlers: callbacks for frames nobody awaits; fixed for the mux's life.
    public init(
        transport: any FrameTransport, configuration: MuxConfiguration = MuxConfiguration(),
        handlers: MuxHandlers = MuxHandlers()
    ) {
        self.transport = transport
        self.configuration = configuration
        self.handlers = handlers
        self.state = Mutex(
            MuxState(
                machine: MuxStateMachine(
                    inbound: configuration.inboundWatermarks, outbound: configuration.outboundWatermarks)))
        self.inbound = InboundDecoder(limits: configuration.decodingLimits)
        self.endpoint = MuxEndpoint()
        endpoint.mux.withLock { $0.mux = self }
    }

    deinit {
        transport.close()
    }

    /// Starts the transport. Open the streams you expect before, so no early Data is dropped.
    public func start() {
        let isFirst = state.withLock { state in
            defer { state.isStarted = true }
            return !state.isStarted
        }
        if isFirst { transport.start(endpoint) }
    }

    /// Runs tasks on the thread that receives this mux's frames, when the transport has one (a
    /// ``FileDescriptorTransport``, an SSH session's thread); `nil` otherwise. A task that prefers it
    /// is resumed by a reply where the reply arrives, without waking a thread of the cooperative
    /// pool, which takes a round trip's cost down to the wake-ups the bytes need:
    ///
    /// ```swift
    /// try await withTaskExecutorPreference(mux.receivingExecutor) {
    ///     let info = try await mux.fileOperation(FileOperationRequest(operation: .stat, path: "Package.swift"))
    /// }
    /// ```
    ///
    /// Only for code that does not block: see ``ReceivingThreadExecutor``.
    public var receivingExecutor: (any TaskExecutor)? { transport.receivingExecutor }

    /// Closes the mux: callers still waiting fail with `closed`, new sends are refused, frames
    /// already queued are still written, then the transport closes.
    public func close() {
        fail(MuxError(.closed, "the mux was closed by its owner"), keepingQueued: true)
        transport.close()
    }

    /// How the peer's frames ended, once they have.
    public var inputEnd: MuxInputEnd? { state.withLock { $0.machine.inputEnd } }

    /// Stream bytes received and not yet read, across all streams.
    public var inboundBufferedByteCount: Int { state.withLock { $0.machine.inboundBufferedByteCount } }

    /// Bytes queued for sending or being written.
    public var outboundByteCount: Int { state.withLock { $0.machine.outboundByteCount } }

    /// Fails everything: input waiters, parked senders, and further sends.
    func fail(_ error: MuxError, keepingQueued: Bool = false) {
        let (inputAction, waiters) = state.withLock { state in
            let inputAction = state.machine.inputEnded(.failed(error))
            var waiters =
                inputAction.streamReaders + inputAction.fileOperations + inputAction.pathQueries
                + inputAction.exitWaiters
            waiters += state.machine.outputFailed(error, keepingQueued: keepingQueued).senders
            return (inputAction, waiters.compactMap { state.waiters.removeValue(forKey: $0) })
        }
        for waiter in waiters { waiter.fail(error) }
        if inputAction.isFirstEnd { handlers.inputEnded?(.failed(error)) }
    }
}

/// The mux's shared state: the state machine and the callers parked in it.
struct MuxState: Sendable {
    var machine: MuxStateMachine
    var waiters: [MuxStateMachine.WaiterID: MuxWaiter] = [:]
    var nextWaiterID: MuxStateMachine.WaiterID = 1
    var isStarted = false

    mutating func makeWaiterID() -> MuxStateMachine.WaiterID {
        defer { nextWaiterID += 1 }
        return nextWaiterID
    }
}
