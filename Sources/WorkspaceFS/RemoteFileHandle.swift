import AgentProto

/// An open remote file (a handle in the agent's table). Reads and writes are positional, so one
/// handle may serve many concurrent requests. Close it when done: the agent never reuses handles,
/// but it keeps the descriptor open until Close or the end of the connection.
public struct RemoteFileHandle: Sendable {
    /// The file system the handle belongs to.
    public let fileSystem: RemoteFileSystem
    /// The agent's handle number (never 0).
    public let handle: UInt32
    /// The path it was opened with, for error messages.
    public let path: String
    /// Whether writes append (O_APPEND): they are then sent with offset −1, as agentproto requires.
    public let isAppending: Bool

    /// Wraps a handle the agent returned.
    public init(fileSystem: RemoteFileSystem, handle: UInt32, path: String, isAppending: Bool = false) {
        self.fileSystem = fileSystem
        self.handle = handle
        self.path = path
        self.isAppending = isAppending
    }

    private func request(_ operation: FileOperationCode) -> FileOperationRequest {
        FileOperationRequest(operation: operation, handle: handle)
    }

    /// Reads up to `length` bytes at `offset` (ReadAt).
    ///
    /// - Returns: the bytes and whether the read stopped at end of file before `length`.
    public func readChunk(fromAbsoluteOffset offset: Int64, length: Int) async throws(WorkspaceFSError)
        -> RemoteChunk
    {
        var request = request(.readAt)
        request.offset = offset
        request.size = Int64(length)
        let response = try await fileSystem.perform(request, path: path)
        return RemoteChunk(bytes: response.data, isEndOfFile: response.isEndOfFile)
    }

    /// Reads the whole file from offset 0, `chunkLength` bytes per request, one request at a time.
    public func readToEnd(chunkLength: Int = 256 << 10) async throws(WorkspaceFSError) -> [UInt8] {
        var result: [UInt8] = []
        while true {
            let chunk = try await readChunk(fromAbsoluteOffset: Int64(result.count), length: chunkLength)
            result += chunk.bytes
            if chunk.isEndOfFile || chunk.bytes.isEmpty { return result }
        }
    }

    /// Writes all of `bytes` at `offset` (WriteAt); appending handles ignore `offset`.
    ///
    /// - Throws: ``WorkspaceFSError`` with the remote errno; a short write without an errno is a
    ///   `protocolViolation`.
    public func write(contentsOf bytes: [UInt8], toAbsoluteOffset offset: Int64) async throws(WorkspaceFSError) {
        var request = request(.writeAt)
        request.offset = isAppending ? -1 : offset
        request.data = bytes
        let response = try await fileSystem.perform(request, path: path)
        guard response.count == Int64(bytes.count) else {
            throw WorkspaceFSError(
                .protocolViolation, "the agent wrote \(response.count) of \(bytes.count) bytes without an error",
                path: path)
        }
    }

    /// The open file's status (Fstat).
    public func info() async throws(WorkspaceFSError) -> RemoteFileInfo {
        let response = try await fileSystem.perform(request(.fstat), path: path)
        return RemoteFileInfo(status: response.status ?? FileStatus(name: RemotePath.baseName(path)))
    }

    /// Cuts or extends the open file to `size` bytes (Ftruncate).
    public func resize(to size: Int64) async throws(WorkspaceFSError) {
        var request = request(.ftruncate)
        request.size = size
        _ = try await fileSystem.perform(request, path: path)
    }

    /// Flushes the file to stable storage (Fsync).
    public func synchronize() async throws(WorkspaceFSError) {
        _ = try await fileSystem.perform(request(.fsync), path: path)
    }

    /// Closes the handle (Close); later use fails with EBADF.
    public func close() async throws(WorkspaceFSError) {
        _ = try await fileSystem.perform(request(.close), path: path)
    }
}
