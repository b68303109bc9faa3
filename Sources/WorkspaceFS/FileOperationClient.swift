public import AgentProto

/// Anything that carries file-operation RPCs to an agent: a ``Mux`` on a connection, or a stand-in
/// in tests. Any number of calls may be in flight at once.
public protocol FileOperationClient: Sendable {
    /// Sends `request` (the client assigns the id) and waits for its response.
    ///
    /// - Returns: the response; a failed operation is a response with `errno` set, not a throw.
    /// - Throws: when the connection ends or the task is cancelled first.
    func fileOperation(_ request: FileOperationRequest) async throws -> FileOperationResponse

    /// The executor of the thread that receives the responses, if there is one (``Mux/receivingExecutor``);
    /// `nil` by default.
    var receivingExecutor: (any TaskExecutor)? { get }
}

extension FileOperationClient {
    public var receivingExecutor: (any TaskExecutor)? { nil }
}

extension Mux: FileOperationClient {}
