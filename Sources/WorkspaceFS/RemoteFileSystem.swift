import AgentProto
import SystemPackage

/// A typed, `Sendable` file system on a remote machine, spoken through an agent's file-operation
/// RPC (agentproto FileOp, 25 operations). Shaped like NIOFS: `info(forFileAt:)`,
/// `withFileHandle(forReadingAt:)`, `createDirectory(at:withIntermediateDirectories:permissions:)`,
/// `removeItem(at:recursively:)`, `moveItem(at:to:)`.
///
/// Calls may run concurrently; the agent answers them in any order and the client matches ids.
/// Relative paths resolve against the agent's working directory (``currentDirectory()``).
///
/// ```swift
/// let fs = RemoteFileSystem(client: mux)
/// let info = try await fs.info(forFileAt: "/etc/hostname")
/// let text = try await fs.withFileHandle(forReadingAt: "/etc/hostname") { try await $0.readToEnd() }
/// ```
public struct RemoteFileSystem: Sendable {
    /// The RPC carrier.
    public let client: any FileOperationClient
    /// Whether paths that are not UTF-8 (``PathBytes``) may be sent: the agent announced
    /// `byte-paths` after the client asked for it (PROTOCOL.md). Without it such paths fail locally.
    public let sendsBytePaths: Bool
    /// Whether a symbolic link's own times can be set: the agent announced `chtimes-nofollow`
    /// (PROTOCOL.md). Go's agent always follows the link.
    public let setsSymbolicLinkTimes: Bool

    /// A file system over `client` (a ``Mux`` whose peer is an agent in file-service mode).
    public init(client: any FileOperationClient, sendsBytePaths: Bool = false, setsSymbolicLinkTimes: Bool = false) {
        self.client = client
        self.sendsBytePaths = sendsBytePaths
        self.setsSymbolicLinkTimes = setsSymbolicLinkTimes
    }

    /// A file system over `client` that uses the extensions the agent announced in its hello
    /// (`byte-paths`, `chtimes-nofollow`); `[]` for an agent that sent none (Go's).
    public init(client: any FileOperationClient, agentCapabilities: [String]) {
        self.init(
            client: client, sendsBytePaths: agentCapabilities.contains("byte-paths"),
            setsSymbolicLinkTimes: agentCapabilities.contains("chtimes-nofollow"))
    }

    /// Runs a task on the thread that receives the agent's responses, when the connection has one.
    /// A task that prefers it skips a thread wake-up per call: about a tenth of a `stat` round trip on
    /// a loopback connection. Use it for runs of small calls from code that does not block (no
    /// local file I/O, no long computation): while the task runs, the connection receives nothing.
    ///
    /// ```swift
    /// let sizes = try await withTaskExecutorPreference(fs.receivingExecutor) {
    ///     var sizes: [Int64] = []
    ///     for path in paths { sizes.append(try await fs.info(forFileAt: path).size) }
    ///     return sizes
    /// }
    /// ```
    public var receivingExecutor: (any TaskExecutor)? { client.receivingExecutor }

    /// Sends one request and turns an error response into a ``WorkspaceFSError``.
    ///
    /// - Parameter path: the path named in errors.
    func perform(_ request: FileOperationRequest, path: String?) async throws(WorkspaceFSError)
        -> FileOperationResponse
    {
        guard sendsBytePaths || (PathBytes.isText(request.path) && PathBytes.isText(request.newPath)) else {
            throw WorkspaceFSError(
                .invalidRequest,
                "the name is not valid UTF-8 and the agent cannot take such names (it did not announce byte-paths)",
                path: path)
        }
        let response: FileOperationResponse
        do {
            response = try await client.fileOperation(request)
        } catch is CancellationError {
            throw WorkspaceFSError(.cancelled, "the operation was cancelled", path: path, cause: CancellationError())
        } catch {
            throw WorkspaceFSError(
                .connection, "the connection to the agent failed: \((error as? MuxError)?.reason ?? "\(error)")",
                path: path,
                cause: error)
        }
        guard response.isError else { return response }
        let errno = Errno(rawValue: Int32(bitPattern: response.errno == 0 ? 5 : response.errno))
        let remote = RemoteErrno(errno: errno, message: response.errorMessage)
        throw WorkspaceFSError(.remote, remote.description, path: path, cause: remote)
    }

    /// Sends a request that names one path.
    func perform(
        _ operation: FileOperationCode, path: String, configure: (inout FileOperationRequest) -> Void = { _ in }
    ) async throws(WorkspaceFSError) -> FileOperationResponse {
        var request = FileOperationRequest(operation: operation, path: path)
        configure(&request)
        return try await perform(request, path: path)
    }

    // MARK: - Information

    /// The status of the file at `path` (Stat, or Lstat when `infoAboutSymbolicLink` is true).
    public func info(forFileAt path: String, infoAboutSymbolicLink: Bool = false) async throws(WorkspaceFSError)
        -> RemoteFileInfo
    {
        let response = try await perform(infoAboutSymbolicLink ? .lstat : .stat, path: path)
        return RemoteFileInfo(status: response.status ?? FileStatus(name: RemotePath.baseName(path)))
    }

    /// The status, or `nil` when nothing is at `path` (ENOENT); other failures throw.
    public func infoIfExists(forFileAt path: String, infoAboutSymbolicLink: Bool = false)
        async throws(WorkspaceFSError) -> RemoteFileInfo?
    {
        do {
            return try await info(forFileAt: path, infoAboutSymbolicLink: infoAboutSymbolicLink)
        } catch  where error.isRemote(.noSuchFileOrDirectory) {
            return nil
        }
    }

    /// Capacity of the file system holding `path` (Statfs).
    public func fileSystemInfo(at path: String) async throws(WorkspaceFSError) -> RemoteFileSystemInfo {
        let response = try await perform(.statfs, path: path)
        return RemoteFileSystemInfo(status: response.fileSystemStatus ?? FileSystemStatus())
    }

    /// The agent's working directory (Getwd): the login directory of a fresh agent, or the
    /// workspace root under confinement.
    public func currentDirectory() async throws(WorkspaceFSError) -> String {
        try await perform(FileOperationRequest(operation: .getWorkingDirectory), path: nil).path
    }

    /// The target of the symbolic link at `path`, exactly as stored (Readlink).
    public func destinationOfSymbolicLink(at path: String) async throws(WorkspaceFSError) -> String {
        try await perform(.readLink, path: path).path
    }

    // MARK: - Changing attributes

    /// Sets the permission bits (0o7777) of `path`, following symlinks (Chmod).
    public func setPermissions(_ permissions: UInt32, at path: String) async throws(WorkspaceFSError) {
        _ = try await perform(.changeMode, path: path) { $0.mode = permissions & 0o7777 }
    }

    /// Sets owner and group of `path`, following symlinks (Chown); `nil` leaves that id unchanged.
    public func setOwner(uid: UInt32?, gid: UInt32?, at path: String) async throws(WorkspaceFSError) {
        _ = try await perform(.changeOwner, path: path) {
            $0.uid = uid ?? UInt32.max
            $0.gid = gid ?? UInt32.max
        }
    }

    /// Sets access and modification times of `path` in Unix nanoseconds (Chtimes). Both are set:
    /// agentproto has no "leave unchanged", so read the old value first to keep one.
    ///
    /// - Parameter followingSymbolicLink: false sets a symbolic link's own times; that needs an agent
    ///   that announced `chtimes-nofollow` (``setsSymbolicLinkTimes``), and fails with
    ///   `invalidRequest` otherwise rather than change the link's target.
    public func setTimes(
        access: Int64, modification: Int64, at path: String, followingSymbolicLink: Bool = true
    ) async throws(WorkspaceFSError) {
        guard followingSymbolicLink || setsSymbolicLinkTimes else {
            throw WorkspaceFSError(
                .invalidRequest,
                "the agent cannot set a symbolic link's own times (it did not announce chtimes-nofollow)", path: path)
        }
        _ = try await perform(.changeTimes, path: path) {
            $0.accessTime = access
            $0.modificationTime = modification
            if !followingSymbolicLink { $0.flags = FileOperationRequest.symbolicLinkTimesFlag }
        }
    }

    /// Cuts or extends the file at `path` to `size` bytes (Truncate).
    public func truncateFile(at path: String, to size: Int64) async throws(WorkspaceFSError) {
        _ = try await perform(.truncate, path: path) { $0.size = size }
    }

    // MARK: - Names

    /// Renames `source` to `destination` with rename(2) semantics (Rename): atomic, replaces a file.
    public func moveItem(at source: String, to destination: String) async throws(WorkspaceFSError) {
        _ = try await perform(.rename, path: source) { $0.newPath = destination }
    }

    /// Creates a symbolic link at `path` whose target text is `destination`, stored verbatim (Symlink).
    public func createSymbolicLink(at path: String, withDestination destination: String)
        async throws(WorkspaceFSError)
    {
        _ = try await perform(FileOperationRequest(operation: .symlink, path: destination, newPath: path), path: path)
    }

    /// Creates a hard link at `path` to the existing file `existing` (Link).
    public func createHardLink(at path: String, to existing: String) async throws(WorkspaceFSError) {
        _ = try await perform(FileOperationRequest(operation: .link, path: existing, newPath: path), path: path)
    }

    /// Removes one file or empty directory (Remove), as `unlink` then `rmdir`.
    public func removeSingleItem(at path: String) async throws(WorkspaceFSError) {
        _ = try await perform(.remove, path: path)
    }
}
