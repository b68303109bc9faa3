extension MuxStateMachine {
    /// What the driver must do with a received frame.
    public enum ReceiveAction: Sendable {
        /// Nothing (ignored frame, or bytes buffered for a stream's consumer).
        case none
        /// Hand `chunk` of `stream` to the reader parked as `waiter`.
        case resumeStreamReader(WaiterID, chunk: [UInt8])
        /// Tell the reader parked as `waiter` that its stream ended.
        case endStreamReader(WaiterID)
        /// Pass the frame to the owner's handlers (Exec, Signal, Config, Log, PathQuery, Error,
        /// unparked PathInfo, Exit when nobody waits).
        case deliver(Frame)
        /// A file-operation request: give it to the handler, or answer ENOSYS when there is none.
        case handleFileOperation(FileOperationRequest)
        /// Resume the caller of file operation `response.id`.
        case resumeFileOperation(WaiterID, FileOperationResponse)
        /// Resume a PATH query caller with the result, and pass the frame to the handlers too.
        case resumePathQuery(WaiterID, Result<PathInfo, MuxError>, Frame)
        /// The command exited: resume these exit waiters, and pass the frame to the handlers.
        case exit(MuxExitStatus, waiters: [WaiterID], Frame)
    }

    /// Books a frame the peer sent (agentproto v1.3.4 `Mux.ReadLoop` dispatch, with Data buffered per stream).
    ///
    /// After a `.none` or `.resumeStreamReader`, check ``isReceivingPaused``.
    public mutating func receive(_ frame: Frame) -> ReceiveAction {
        switch frame.type {
        case .data:
            return receiveData(stream: frame.stream, frame.data)
        case .eof:
            guard var stream = streams[frame.stream], !stream.isEndReceived else { return .none }
            stream.isEndReceived = true
            let reader = stream.hasChunk ? nil : stream.reader
            if reader != nil { stream.reader = nil }
            streams[frame.stream] = stream
            return reader.map { .endStreamReader($0) } ?? .none
        case .fileOperation:
            return .handleFileOperation(
                frame.fileOperation ?? FileOperationRequest(operation: FileOperationCode(rawValue: 0)))
        case .fileOperationResponse:
            // A response nobody waits for (cancelled, or a stray id) is dropped, as in Go.
            guard let response = frame.fileOperationResponse,
                let waiter = pendingFileOperations.removeValue(forKey: response.id)
            else { return .none }
            return .resumeFileOperation(waiter, response)
        case .pathInfo:
            guard !pathQueryWaiters.isEmpty else { return .deliver(frame) }
            let waiter = pathQueryWaiters.removeFirst()
            return .resumePathQuery(waiter, .success(frame.pathInfo ?? PathInfo()), frame)
        case .error:
            // Go's enumeration client turns an Error frame into the query's error.
            guard !pathQueryWaiters.isEmpty else { return .deliver(frame) }
            let waiter = pathQueryWaiters.removeFirst()
            let error = MuxError(.peerError, frame.error.isEmpty ? "the agent reported an error" : frame.error)
            return .resumePathQuery(waiter, .failure(error), frame)
        case .exit:
            let status = MuxExitStatus(code: frame.code, error: frame.error)
            if exitStatus == nil { exitStatus = status }
            let waiters = exitWaiters
            exitWaiters = []
            return .exit(status, waiters: waiters, frame)
        case .exec, .signal, .log, .config, .pathQuery:
            return .deliver(frame)
        default:
            return .none  // unknown frame types are ignored (agentproto v1.3.4)
        }
    }

    private mutating func receiveData(stream id: UInt32, _ bytes: [UInt8]) -> ReceiveAction {
        // Empty Data is ignored; Data for a stream nobody opened, or after its EOF, is dropped (as in Go).
        guard !bytes.isEmpty, var stream = streams[id], !stream.isEndReceived else { return .none }
        if let reader = stream.reader {
            stream.reader = nil
            streams[id] = stream
            return .resumeStreamReader(reader, chunk: bytes)
        }
        stream.chunks.append(bytes)
        stream.bufferedByteCount += bytes.count
        streams[id] = stream
        inboundBufferedByteCount += bytes.count
        if inboundBufferedByteCount >= inboundWatermarks.high { isReceivingPaused = true }
        return .none
    }

    /// What the driver must do once the input ended.
    public struct InputEndAction: Sendable {
        /// Stream readers to fail with `error`.
        public var streamReaders: [WaiterID] = []
        /// File-operation callers to fail with `error`.
        public var fileOperations: [WaiterID] = []
        /// PATH query callers to fail with `error`.
        public var pathQueries: [WaiterID] = []
        /// Exit waiters to fail with `error` (empty when the Exit frame had arrived).
        public var exitWaiters: [WaiterID] = []
        /// The error to give them.
        public var error: MuxError
        /// Whether this call ended the input (false when it had already ended).
        public var isFirstEnd: Bool
    }

    /// Books the end of the peer's frames: every caller still waiting for an answer fails.
    public mutating func inputEnded(_ end: MuxInputEnd) -> InputEndAction {
        guard inputEnd == nil else {
            return InputEndAction(error: inputEnd?.errorForWaiters ?? end.errorForWaiters, isFirstEnd: false)
        }
        inputEnd = end
        isReceivingPaused = false
        var action = InputEndAction(error: end.errorForWaiters, isFirstEnd: true)
        for (id, var stream) in streams where stream.reader != nil {
            action.streamReaders.append(stream.reader ?? 0)
            stream.reader = nil
            streams[id] = stream
        }
        action.fileOperations = Array(pendingFileOperations.values)
        pendingFileOperations = [:]
        action.pathQueries = pathQueryWaiters
        pathQueryWaiters = []
        action.exitWaiters = exitWaiters
        exitWaiters = []
        return action
    }
}
