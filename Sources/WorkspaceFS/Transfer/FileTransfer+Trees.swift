// Directory trees: directories first (so empty ones arrive too), then files with several in
// flight, symlinks recreated with their target text, and with -p directory modes and times last
// (writing into a directory changes its mtime).

import SystemPackage

extension FileTransfer {
    /// Copies the remote directory `remotePath` into `localPath` (created when missing).
    ///
    /// - Returns: bytes transferred.
    @discardableResult
    public func downloadTree(from remotePath: String, to localPath: String) async throws(WorkspaceFSError) -> Int64 {
        let root = try await fileSystem.info(forFileAt: remotePath)
        let entries = try await fileSystem.walk(at: remotePath)
        do throws(Errno) {
            try LocalFileSystem.createDirectory(at: localPath, permissions: 0o700)
            for entry in entries where entry.info?.isDirectory == true {
                try LocalFileSystem.createDirectory(
                    at: RemotePath.join(localPath, entry.relativePath), permissions: 0o700)
            }
        } catch {
            throw WorkspaceFSError(.local, "cannot create directory under '\(localPath)': \(error)", cause: error)
        }
        for entry in entries where entry.info?.isSymbolicLink == true {
            let target = try await fileSystem.destinationOfSymbolicLink(at: entry.path)
            let link = RemotePath.join(localPath, entry.relativePath)
            do throws(Errno) {
                if try LocalFileSystem.statusIfExists(of: link, followingSymlinks: false) != nil {
                    try LocalFileSystem.remove(link)
                }
                try LocalFileSystem.createSymbolicLink(at: link, withDestination: target)
                if options.preservesAttributes, let info = entry.info {
                    try LocalFileSystem.setTimes(access: info.accessTime, modification: info.modificationTime, at: link)
                }
            } catch {
                throw WorkspaceFSError(.local, "cannot create symbolic link '\(link)': \(error)", cause: error)
            }
        }
        let files = entries.filter { $0.info?.isRegularFile == true }
        let total = try await forEachConcurrently(files) { entry throws(WorkspaceFSError) in
            try await download(from: entry.path, to: RemotePath.join(localPath, entry.relativePath))
        }
        let directories =
            [(RemoteWalkEntry(path: remotePath, relativePath: "", info: root))]
            + entries.filter { $0.info?.isDirectory == true }
        for entry in directories.reversed() {
            guard let info = entry.info else { continue }
            let path = entry.relativePath.isEmpty ? localPath : RemotePath.join(localPath, entry.relativePath)
            do throws(Errno) {
                let permissions =
                    options.preservesAttributes ? info.permissions : info.permissions & 0o777 & ~LocalFileSystem.umask
                try LocalFileSystem.setPermissions(permissions, at: path)
                if options.preservesAttributes {
                    try LocalFileSystem.setTimes(access: info.accessTime, modification: info.modificationTime, at: path)
                }
            } catch {
                throw WorkspaceFSError(.local, "cannot set attributes of '\(path)': \(error)", cause: error)
            }
        }
        return total
    }

    /// Copies the local directory `localPath` into `remotePath` (created when missing).
    ///
    /// - Returns: bytes transferred.
    @discardableResult
    public func uploadTree(from localPath: String, to remotePath: String) async throws(WorkspaceFSError) -> Int64 {
        let entries: [LocalEntry]
        let root: LocalFileSystem.Status
        do throws(Errno) {
            root = try LocalFileSystem.status(of: localPath)
            entries = try Self.walkLocal(localPath, relative: "")
        } catch {
            throw WorkspaceFSError(
                .local, "cannot read directory '\(localPath)': \(error)", path: localPath, cause: error)
        }
        try await fileSystem.createDirectory(at: remotePath, withIntermediateDirectories: true, permissions: 0o700)
        for entry in entries where entry.status.isDirectory {
            try await fileSystem.createDirectory(
                at: RemotePath.join(remotePath, entry.relativePath), permissions: 0o700)
        }
        for entry in entries where entry.status.isSymbolicLink {
            let link = RemotePath.join(remotePath, entry.relativePath)
            let target: String
            do throws(Errno) {
                target = try LocalFileSystem.destinationOfSymbolicLink(
                    at: RemotePath.join(localPath, entry.relativePath))
            } catch {
                throw WorkspaceFSError(.local, "cannot read link '\(entry.relativePath)': \(error)", cause: error)
            }
            if try await fileSystem.infoIfExists(forFileAt: link, infoAboutSymbolicLink: true) != nil {
                try await fileSystem.removeSingleItem(at: link)
            }
            try await fileSystem.createSymbolicLink(at: link, withDestination: target)
            // A Go agent can only set the times of what a link points to: the link keeps its own.
            if options.preservesAttributes, fileSystem.setsSymbolicLinkTimes {
                try await fileSystem.setTimes(
                    access: entry.status.accessTime, modification: entry.status.modificationTime, at: link,
                    followingSymbolicLink: false)
            }
        }
        let files = entries.filter { $0.status.isRegularFile }
        let total = try await forEachConcurrently(files) { entry throws(WorkspaceFSError) in
            try await upload(
                from: RemotePath.join(localPath, entry.relativePath),
                to: RemotePath.join(remotePath, entry.relativePath))
        }
        let directories = [LocalEntry(relativePath: "", status: root)] + entries.filter { $0.status.isDirectory }
        for entry in directories.reversed() {
            let path = entry.relativePath.isEmpty ? remotePath : RemotePath.join(remotePath, entry.relativePath)
            try await fileSystem.setPermissions(
                options.preservesAttributes ? entry.status.permissions : entry.status.permissions & 0o777, at: path)
            if options.preservesAttributes {
                try await fileSystem.setTimes(
                    access: entry.status.accessTime, modification: entry.status.modificationTime, at: path)
            }
        }
        return total
    }

    /// One local file found by ``walkLocal(_:relative:)``.
    struct LocalEntry: Sendable {
        var relativePath: String
        var status: LocalFileSystem.Status
    }

    /// Every entry below `root`, parents first, lstat-style.
    static func walkLocal(_ root: String, relative: String) throws(Errno) -> [LocalEntry] {
        var result: [LocalEntry] = []
        let directory = relative.isEmpty ? root : RemotePath.join(root, relative)
        for name in try LocalFileSystem.contentsOfDirectory(at: directory) {
            let relativePath = RemotePath.join(relative, name)
            let status = try LocalFileSystem.status(of: RemotePath.join(root, relativePath), followingSymlinks: false)
            result.append(LocalEntry(relativePath: relativePath, status: status))
            if status.isDirectory { result += try walkLocal(root, relative: relativePath) }
        }
        return result
    }

    /// Runs `body` for each item with at most `filesInFlight` at once; sums what they return.
    func forEachConcurrently<Item: Sendable>(
        _ items: [Item], _ body: @escaping @Sendable (Item) async throws(WorkspaceFSError) -> Int64
    ) async throws(WorkspaceFSError) -> Int64 {
        do {
            return try await withThrowingTaskGroup(of: Int64.self) { group in
                var iterator = items.makeIterator()
                for _ in 0..<max(1, options.filesInFlight) {
                    guard let item = iterator.next() else { break }
                    group.addTask { try await body(item) }
                }
                var total: Int64 = 0
                while let count = try await group.next() {
                    total += count
                    if let item = iterator.next() { group.addTask { try await body(item) } }
                }
                return total
            }
        } catch let error as WorkspaceFSError {
            throw error
        } catch {
            throw WorkspaceFSError(.cancelled, "the transfer was cancelled", cause: error)
        }
    }
}
