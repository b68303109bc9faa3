extension MuxStateMachine {
    /// Assigns `request` an id, parks `waiter` for the response, and queues the FileOp frame.
    ///
    /// Ids count from 1 and skip 0 on wrap (as Go does) and also skip ids still pending, so a
    /// long-running request is never answered with another's response.
    ///
    /// - Returns: the id and what to do with the queued frame.
    public mutating func startFileOperation(
        _ request: FileOperationRequest, waiter: WaiterID
    ) -> Result<(id: UInt32, action: EnqueueAction), MuxError> {
        if let inputEnd { return .failure(inputEnd.errorForWaiters) }
        if let outputFailure { return .failure(outputFailure) }
        guard pendingFileOperations.count < Int(UInt32.max) else {
            return .failure(MuxError(.tooManyPendingRequests, "every request id is in use; wait for some answers"))
        }
        var id = nextRequestID
        while id == 0 || pendingFileOperations[id] != nil { id &+= 1 }
        nextRequestID = id &+ 1
        var request = request
        request.id = id
        pendingFileOperations[id] = waiter
        return .success((id, enqueue(.fileOperation(request))))
    }

    /// Forgets the caller of request `id` (it was cancelled); its late response will be dropped.
    public mutating func cancelFileOperation(id: UInt32) -> WaiterID? {
        pendingFileOperations.removeValue(forKey: id)
    }

    /// Parks `waiter` for the PathInfo (or Error) answering `query`, and queues the PathQuery frame.
    public mutating func startPathQuery(_ query: PathQuery, waiter: WaiterID) -> Result<EnqueueAction, MuxError> {
        if let inputEnd { return .failure(inputEnd.errorForWaiters) }
        let action = enqueue(.pathQuery(query))
        if case .failed(let error) = action { return .failure(error) }
        pathQueryWaiters.append(waiter)
        return .success(action)
    }

    /// Forgets the PATH query caller `waiter` (cancelled); false when it was already resumed.
    ///
    /// Its answer, when it comes, goes to the next query in line or to the handlers; queries are
    /// answered in order, so a cancelled one still holds its place until answered.
    public mutating func cancelPathQuery(_ waiter: WaiterID) -> Bool {
        guard let index = pathQueryWaiters.firstIndex(of: waiter) else { return false }
        // Keep the slot so the next answer is not taken for a later query: park a placeholder.
        pathQueryWaiters[index] = Self.abandonedWaiter
        return true
    }

    /// A parked slot whose caller went away; resuming it does nothing.
    public static let abandonedWaiter: WaiterID = .max

    /// What an exit waiter gets.
    public enum ExitWaitAction: Sendable {
        /// The command has exited.
        case exited(MuxExitStatus)
        /// The input ended without an Exit frame.
        case failed(MuxError)
        /// Park the waiter.
        case wait
    }

    /// The exit status, or parks `waiter` until the Exit frame comes.
    public mutating func waitForExit(waiter: WaiterID) -> ExitWaitAction {
        if let exitStatus { return .exited(exitStatus) }
        if let inputEnd {
            return .failed(
                inputEnd == .clean
                    ? MuxError(.connectionClosed, "the peer closed the connection without sending the exit status")
                    : inputEnd.errorForWaiters)
        }
        exitWaiters.append(waiter)
        return .wait
    }

    /// Unparks the exit waiter `waiter` (cancelled); false when it was already resumed.
    public mutating func cancelExitWait(_ waiter: WaiterID) -> Bool {
        guard let index = exitWaiters.firstIndex(of: waiter) else { return false }
        exitWaiters.remove(at: index)
        return true
    }
}
