import AgentProto

// Directory listing, recursive walks, creation and recursive removal, with several requests in
// flight so a tree costs round trips per level, not per file.

extension RemoteFileSystem {
    /// The entries of the directory at `path`, sorted by name, without "." and ".." (ReadDir).
    /// Entries describe the entry itself: a symlink is reported as a symlink.
    public func contentsOfDirectory(at path: String) async throws(WorkspaceFSError) -> [RemoteFileInfo] {
        let response = try await perform(.readDirectory, path: path)
        return response.entries.map { RemoteFileInfo(status: $0.status) }
    }

    /// Every file below `path` (not `path` itself), parents before their children, siblings sorted
    /// by name. Symlinks are reported, never followed. Directories of one level are read
    /// concurrently, at most `concurrency` at a time.
    ///
    /// - Parameter onError: called for a directory that cannot be read; return normally to skip
    ///   it (as `find` does), throw to stop the walk. By default the walk stops.
    public func walk(
        at path: String,
        concurrency: Int = 16,
        onError: @Sendable (String, WorkspaceFSError) throws(WorkspaceFSError) -> Void = RemoteFileSystem.stopWalking
    ) async throws(WorkspaceFSError) -> [RemoteWalkEntry] {
        var result: [RemoteWalkEntry] = []
        var level: [RemoteWalkEntry] = [RemoteWalkEntry(path: path, relativePath: "", info: nil)]
        while !level.isEmpty {
            let listings = try await listConcurrently(level.map(\.path), concurrency: concurrency)
            var next: [RemoteWalkEntry] = []
            var children: [Int: [RemoteWalkEntry]] = [:]
            for (index, parent) in level.enumerated() {
                switch listings[index] {
                case .failure(let error):
                    try onError(parent.path, error)
                case .success(let entries):
                    let entries = entries.map { info in
                        RemoteWalkEntry(
                            path: RemotePath.join(parent.path, info.name),
                            relativePath: RemotePath.join(parent.relativePath, info.name), info: info)
                    }
                    children[index] = entries
                    next += entries.filter { $0.info?.isDirectory == true }
                }
            }
            result = Self.insert(children, under: level, into: result)
            level = next
        }
        return result
    }

    /// The default walk error policy: stop with the error.
    public static func stopWalking(at path: String, _ error: WorkspaceFSError) throws(WorkspaceFSError) {
        throw error
    }

    /// Places each level's children right after their parent, so the result reads depth first.
    private static func insert(
        _ children: [Int: [RemoteWalkEntry]], under level: [RemoteWalkEntry], into result: [RemoteWalkEntry]
    ) -> [RemoteWalkEntry] {
        if result.isEmpty { return children[0] ?? [] }
        var byParent: [String: [RemoteWalkEntry]] = [:]
        for (index, parent) in level.enumerated() { byParent[parent.path] = children[index] ?? [] }
        var merged: [RemoteWalkEntry] = []
        merged.reserveCapacity(result.count + children.values.reduce(0) { $0 + $1.count })
        for entry in result {
            merged.append(entry)
            if let kids = byParent[entry.path] { merged += kids }
        }
        return merged
    }

    /// Lists `paths` with at most `concurrency` ReadDir requests in flight; results in input order.
    func listConcurrently(_ paths: [String], concurrency: Int) async throws(WorkspaceFSError)
        -> [Result<[RemoteFileInfo], WorkspaceFSError>]
    {
        let results = await withTaskGroup(
            of: (Int, Result<[RemoteFileInfo], WorkspaceFSError>).self,
            returning: [Result<[RemoteFileInfo], WorkspaceFSError>?].self
        ) { group in
            var results = [Result<[RemoteFileInfo], WorkspaceFSError>?](repeating: nil, count: paths.count)
            var nextIndex = 0
            while nextIndex < min(max(1, concurrency), paths.count) {
                let index = nextIndex
                group.addTask { (index, await listing(paths[index])) }
                nextIndex += 1
            }
            while let (index, result) = await group.next() {
                results[index] = result
                if nextIndex < paths.count {
                    let index = nextIndex
                    group.addTask { (index, await listing(paths[index])) }
                    nextIndex += 1
                }
            }
            return results
        }
        if let connectionFailure = results.lazy.compactMap({ $0 }).first(where: {
            if case .failure(let error) = $0 { return error.code != .remote }
            return false
        }), case .failure(let error) = connectionFailure {
            throw error
        }
        return results.map { $0 ?? .failure(WorkspaceFSError(.cancelled, "the listing was cancelled")) }
    }

    private func listing(_ path: String) async -> Result<[RemoteFileInfo], WorkspaceFSError> {
        do throws(WorkspaceFSError) {
            return .success(try await contentsOfDirectory(at: path))
        } catch {
            return .failure(error)
        }
    }

    /// Creates a directory (Mkdir), or it and any missing parents (MkdirAll, success when it exists).
    /// The agent's umask applies to `permissions`.
    public func createDirectory(
        at path: String, withIntermediateDirectories: Bool = false, permissions: UInt32 = 0o777
    ) async throws(WorkspaceFSError) {
        _ = try await perform(withIntermediateDirectories ? .makeDirectoryAll : .makeDirectory, path: path) {
            $0.mode = permissions & 0o7777
        }
    }

    /// Removes the item at `path`; with `recursively`, a directory and everything in it (symlinks
    /// are removed, not followed). Files of one directory are removed concurrently.
    ///
    /// - Returns: how many items were removed.
    @discardableResult
    public func removeItem(at path: String, recursively: Bool = false) async throws(WorkspaceFSError) -> Int {
        guard recursively else {
            try await removeSingleItem(at: path)
            return 1
        }
        let info = try await info(forFileAt: path, infoAboutSymbolicLink: true)
        guard info.isDirectory else {
            try await removeSingleItem(at: path)
            return 1
        }
        let entries = try await walk(at: path)
        // Deepest first, so each directory is empty when its turn comes.
        let ordered = entries.sorted { depth($0.relativePath) > depth($1.relativePath) }
        var index = 0
        while index < ordered.count {
            let currentDepth = depth(ordered[index].relativePath)
            var end = index
            while end < ordered.count, depth(ordered[end].relativePath) == currentDepth { end += 1 }
            try await removeConcurrently(ordered[index..<end].map(\.path))
            index = end
        }
        try await removeSingleItem(at: path)
        return entries.count + 1
    }

    private func depth(_ relativePath: String) -> Int { relativePath.utf8.count { $0 == UInt8(ascii: "/") } }

    private func removeConcurrently(_ paths: [String], concurrency: Int = 32) async throws(WorkspaceFSError) {
        let firstError = await withTaskGroup(of: WorkspaceFSError?.self, returning: WorkspaceFSError?.self) { group in
            var firstError: WorkspaceFSError?
            var nextIndex = 0
            while nextIndex < min(concurrency, paths.count) {
                let path = paths[nextIndex]
                group.addTask { await removal(path) }
                nextIndex += 1
            }
            while let error = await group.next() {
                if let error, firstError == nil { firstError = error }
                if nextIndex < paths.count {
                    let path = paths[nextIndex]
                    group.addTask { await removal(path) }
                    nextIndex += 1
                }
            }
            return firstError
        }
        if let firstError { throw firstError }
    }

    private func removal(_ path: String) async -> WorkspaceFSError? {
        do throws(WorkspaceFSError) {
            try await removeSingleItem(at: path)
            return nil
        } catch {
            return error
        }
    }
}
