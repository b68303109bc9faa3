import Synchronization

extension Mux {
    /// Sends a file-operation request and waits for its response. The mux assigns the id; any number
    /// of calls may run at once and are answered in whatever order the peer answers.
    ///
    /// - Returns: the response; a failed operation is a response with `errno` set, not a throw.
    /// - Throws: ``MuxError`` when the connection ends or closes first; `CancellationError` when the
    ///   task is cancelled (the late response is then dropped).
    public func fileOperation(_ request: FileOperationRequest) async throws -> FileOperationResponse {
        try Task.checkCancellation()
        let waiterID = state.withLock { $0.makeWaiterID() }
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation {
                (continuation: UnsafeContinuation<FileOperationResponse, any Error>) in
                let result = state.withLock { state -> Result<MuxStateMachine.EnqueueAction, any Error> in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    switch state.machine.startFileOperation(request, waiter: waiterID) {
                    case .failure(let error):
                        return .failure(error)
                    case .success(let (id, action)):
                        state.waiters[waiterID] = .fileOperation(requestID: id, continuation)
                        return .success(action)
                    }
                }
                switch result {
                case .failure(let error):
                    continuation.resume(throwing: error)
                case .success(.queued(let wakeWriter, _)):
                    if wakeWriter { transport.outboundBytesAvailable() }
                case .success(.failed(let error)):
                    // Sending stopped between the checks: the state machine already refused the frame.
                    cancelWait(waiterID, failingWith: error)
                }
            }
        } onCancel: {
            cancelWait(waiterID)
        }
    }

    /// Asks the agent to enumerate the executables on PATH and waits for its PathInfo.
    ///
    /// - Throws: ``MuxError`` with `peerError` when the agent answers with an Error frame, or when the
    ///   connection ends first; `CancellationError` when the task is cancelled.
    public func pathQuery(_ query: PathQuery = PathQuery()) async throws -> PathInfo {
        try Task.checkCancellation()
        let waiterID = state.withLock { $0.makeWaiterID() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<PathInfo, any Error>) in
                let result = state.withLock { state -> Result<MuxStateMachine.EnqueueAction, any Error> in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    switch state.machine.startPathQuery(query, waiter: waiterID) {
                    case .failure(let error):
                        return .failure(error)
                    case .success(let action):
                        state.waiters[waiterID] = .pathQuery(continuation)
                        return .success(action)
                    }
                }
                switch result {
                case .failure(let error): continuation.resume(throwing: error)
                case .success(.queued(let wakeWriter, _)): if wakeWriter { transport.outboundBytesAvailable() }
                case .success(.failed(let error)): cancelWait(waiterID, failingWith: error)
                }
            }
        } onCancel: {
            cancelWait(waiterID)
        }
    }

    /// Waits for the Exit frame.
    ///
    /// - Returns: the exit code and error text; a non-zero code is a result, not an error.
    /// - Throws: ``MuxError`` when the connection ends without an Exit frame; `CancellationError`.
    public func exitStatus() async throws -> MuxExitStatus {
        try Task.checkCancellation()
        let waiterID = state.withLock { $0.makeWaiterID() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<MuxExitStatus, any Error>) in
                let action = state.withLock { state -> MuxStateMachine.ExitWaitAction? in
                    if Task.isCancelled { return nil }
                    let action = state.machine.waitForExit(waiter: waiterID)
                    if case .wait = action { state.waiters[waiterID] = .exit(continuation) }
                    return action
                }
                switch action {
                case nil: continuation.resume(throwing: CancellationError())
                case .exited(let status)?: continuation.resume(returning: status)
                case .failed(let error)?: continuation.resume(throwing: error)
                case .wait?: break
                }
            }
        } onCancel: {
            cancelWait(waiterID)
        }
    }

    /// Unparks `waiterID` and fails it with `error` instead of a cancellation.
    func cancelWait(_ waiterID: MuxStateMachine.WaiterID, failingWith error: MuxError) {
        let waiter = state.withLock { state in
            if case .fileOperation(let id, _)? = state.waiters[waiterID] {
                _ = state.machine.cancelFileOperation(id: id)
            }
            return state.waiters.removeValue(forKey: waiterID)
        }
        waiter?.fail(error)
    }
}
