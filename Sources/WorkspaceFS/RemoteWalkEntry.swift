/// One file found by ``RemoteFileSystem/walk(at:concurrency:onError:)``.
public struct RemoteWalkEntry: Hashable, Sendable {
    /// The full remote path (the walk's root joined with ``relativePath``).
    public var path: String
    /// The path below the walk's root, e.g. `src/main.swift`.
    public var relativePath: String
    /// The entry's status (lstat-style); `nil` only for the walk's root while it runs.
    public var info: RemoteFileInfo?

    /// Creates an entry.
    public init(path: String, relativePath: String, info: RemoteFileInfo?) {
        self.path = path
        self.relativePath = relativePath
        self.info = info
    }
}
