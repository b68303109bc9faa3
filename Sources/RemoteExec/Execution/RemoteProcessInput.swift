import AgentProto

/// Writes one input stream of a ``RemoteProcess``: standard input (stream 0) or an extra descriptor.
public struct RemoteProcessInput: Sendable {
    let mux: Mux
    /// The stream number.
    public let stream: UInt32

    /// Sends `bytes`; suspends while too much input is queued.
    ///
    /// - Throws: ``ExecutionError`` `connectionLost` when the agent is gone.
    public func write(_ bytes: [UInt8]) async throws {
        guard !bytes.isEmpty else { return }
        do {
            try await mux.send(.data(stream: stream, bytes))
        } catch let error as MuxError {
            throw ExecutionError(.connectionLost, "could not send input: \(error)", cause: error)
        }
    }

    /// Sends end of file: the program reads EOF once it has read what was sent.
    public func close() async throws {
        do {
            try await mux.send(.eof(stream: stream))
        } catch let error as MuxError {
            throw ExecutionError(.connectionLost, "could not close the input: \(error)", cause: error)
        }
    }

    /// Sends `bytes` from a thread that may block (a standard-input pump), never the cooperative pool.
    public func writeBlocking(_ bytes: [UInt8]) throws(ExecutionError) {
        guard !bytes.isEmpty else { return }
        do {
            try mux.sendBlocking(.data(stream: stream, bytes))
        } catch {
            throw ExecutionError(.connectionLost, "could not send input: \(error)", cause: error)
        }
    }

    /// Sends end of file without waiting.
    public func closeNow() throws(ExecutionError) {
        do {
            try mux.sendWithoutWaiting(.eof(stream: stream))
        } catch {
            throw ExecutionError(.connectionLost, "could not close the input: \(error)", cause: error)
        }
    }
}
