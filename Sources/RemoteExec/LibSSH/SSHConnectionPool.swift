public import Logging

/// One persistent SSH connection per destination in a process: the first caller connects, later
/// callers (also concurrent ones) share that connection, and a lost connection is replaced.
///
/// An actor because it holds coarse state that no I/O thread touches.
public actor SSHConnectionPool {
    /// The process-wide pool.
    public static let shared = SSHConnectionPool()

    private struct Key: Hashable {
        var destination: Destination
        var overrides: SSHConnectionOverrides
    }

    private var connections: [Key: Task<Result<SSHConnection, SSHError>, Never>] = [:]

    /// Creates an empty pool (tests; programs use ``shared``).
    public init() {}

    /// The open connection to `destination` with these overrides, connecting when there is none or
    /// the previous one was lost.
    ///
    /// - Throws: ``SSHError`` from ``SSHConnection/connect(to:overrides:logger:)``.
    public func connection(
        to destination: Destination, overrides: SSHConnectionOverrides = SSHConnectionOverrides(),
        logger: Logger = Logger(label: "mproxy.ssh")
    ) async throws(SSHError) -> SSHConnection {
        let key = Key(destination: destination, overrides: overrides)
        if let existing = connections[key], case .success(let connection) = await existing.value {
            if await connection.isConnected { return connection }
            connection.close()
        }
        // Concurrent callers arriving while this connects await the same task.
        let task = Task { () async -> Result<SSHConnection, SSHError> in
            do throws(SSHError) {
                return .success(try await SSHConnection.connect(to: destination, overrides: overrides, logger: logger))
            } catch {
                return .failure(error)
            }
        }
        connections[key] = task
        let outcome = await task.value
        if case .failure = outcome, connections[key] == task { connections[key] = nil }
        return try outcome.get()
    }

    /// Closes every connection and forgets them.
    public func closeAll() async {
        let tasks = connections.values
        connections = [:]
        for task in tasks {
            if case .success(let connection) = await task.value { connection.close() }
        }
    }
}
