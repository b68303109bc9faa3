import Synchronization

extension Mux {
    /// Decodes and dispatches the frames in `bytes` (the transport's receiving thread).
    func receive(_ bytes: UnsafeRawBufferPointer) {
        inbound.decoder.append(bytes)
        while true {
            let frame: Frame
            do throws(FrameDecodingError) {
                guard let next = try inbound.decoder.next() else { return }
                frame = next
            } catch {
                fail(
                    MuxError(
                        .malformedInput, "the peer sent bytes that are not a frame; the connection cannot continue",
                        cause: error))
                transport.close()
                return
            }
            if let observer = configuration.observer {
                do {
                    try observer.observe(frame, direction: .receive)
                } catch {
                    guard reportObserverFailure(error, frame, .receive) else { return }
                }
            }
            dispatch(frame)
        }
    }

    /// Tells the owner the observer failed; false when the mux failed because nobody listens.
    func reportObserverFailure(_ error: any Error, _ frame: Frame, _ direction: FrameDirection) -> Bool {
        if let observerFailed = handlers.observerFailed {
            observerFailed(error, frame, direction)
            return true
        }
        fail(
            MuxError(
                .observerFailed, "the frame observer (recorder) failed; the session stops so no frame goes unrecorded",
                cause: error))
        transport.close()
        return false
    }

    private func dispatch(_ frame: Frame) {
        let (action, waiter) = state.withLock { state in
            let action = state.machine.receive(frame)
            return (action, action.waiterID.flatMap { state.waiters.removeValue(forKey: $0) })
        }
        switch action {
        case .none:
            break
        case .resumeStreamReader(_, let chunk):
            waiter?.resume(chunk: chunk)
        case .endStreamReader:
            waiter?.resume(chunk: nil)
        case .deliver(let frame):
            deliver(frame)
        case .handleFileOperation(let request):
            let reply = FileOperationReply(mux: self, requestID: request.id)
            if let handler = handlers.fileOperation {
                handler(request, reply)
            } else {
                // Go drops it and the caller hangs until its deadline; answer instead (ENOSYS, Linux 38).
                try? reply.send(
                    FileOperationResponse(
                        errno: 38,
                        errorMessage: "function not implemented: this agent does not serve file operations in this mode"
                    ))
            }
        case .resumeFileOperation(_, let response):
            if case .fileOperation(_, let continuation) = waiter { continuation.resume(returning: response) }
        case .resumePathQuery(_, let result, let frame):
            if case .pathQuery(let continuation) = waiter { continuation.resume(with: result.mapError { $0 }) }
            deliver(frame)
        case .exit(let status, let waiters, _):
            let parked = state.withLock { state in waiters.compactMap { state.waiters.removeValue(forKey: $0) } }
            for case .exit(let continuation) in parked { continuation.resume(returning: status) }
            handlers.exit?(status)
        }
    }

    private func deliver(_ frame: Frame) {
        switch frame.type {
        case .exec: if let exec = frame.exec { handlers.exec?(exec) }
        case .signal: handlers.signal?(frame.signal)
        case .config: if let configuration = frame.configuration { handlers.configuration?(configuration) }
        case .pathQuery: handlers.pathQuery?(frame.pathQuery ?? PathQuery())
        case .pathInfo: handlers.pathInfo?(frame.pathInfo ?? PathInfo())
        case .log: if let log = frame.log { handlers.log?(log) }
        case .error: handlers.error?(frame.error)
        default: break
        }
    }

    /// The transport's inbound bytes ended (`nil`: the peer closed its side).
    func receiveEnded(_ error: (any Error)?) {
        let end: MuxInputEnd
        if let error {
            end = .failed(
                (error as? TransportError)?.code == .closed
                    ? MuxError(.closed, "the mux was closed by its owner", cause: error)
                    : MuxError(.connectionLost, "the connection to the peer broke; reconnect and retry", cause: error))
        } else {
            do throws(FrameDecodingError) {
                try inbound.decoder.finish()
                end = .clean
            } catch {
                end = .failed(
                    MuxError(
                        .connectionLost, "the connection ended in the middle of a frame; reconnect and retry",
                        cause: error))
            }
        }
        let (action, waiters) = state.withLock { state in
            let action = state.machine.inputEnded(end)
            let ids = action.streamReaders + action.fileOperations + action.pathQueries + action.exitWaiters
            return (action, ids.compactMap { state.waiters.removeValue(forKey: $0) })
        }
        for waiter in waiters { waiter.fail(action.error) }
        if action.isFirstEnd { handlers.inputEnded?(end) }
    }
}

extension MuxStateMachine.ReceiveAction {
    /// The parked caller this action resumes, if exactly one.
    var waiterID: MuxStateMachine.WaiterID? {
        switch self {
        case .resumeStreamReader(let id, _), .endStreamReader(let id), .resumeFileOperation(let id, _),
            .resumePathQuery(let id, _, _):
            id
        case .none, .deliver, .handleFileOperation, .exit:
            nil
        }
    }
}
