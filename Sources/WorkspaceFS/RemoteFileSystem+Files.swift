import AgentProto

// Opening files: read-only (Open), read-write with create/truncate (Create), and any flags and mode
// (OpenFile), plus the scoped `withFileHandle` forms that always close.

extension RemoteFileSystem {
    /// Opens `path` read-only (Open).
    public func openFile(forReadingAt path: String) async throws(WorkspaceFSError) -> RemoteFileHandle {
        let response = try await perform(.open, path: path)
        return RemoteFileHandle(fileSystem: self, handle: response.handle, path: path)
    }

    /// Creates or truncates `path` for reading and writing, mode 0666 before the agent's umask (Create).
    public func createFile(at path: String) async throws(WorkspaceFSError) -> RemoteFileHandle {
        let response = try await perform(.create, path: path)
        return RemoteFileHandle(fileSystem: self, handle: response.handle, path: path)
    }

    /// Opens `path` for writing with `options` and, when created, `permissions` (OpenFile; 0 is
    /// honoured and gives mode 000).
    public func openFile(
        forWritingAt path: String, options: RemoteOpenOptions = [.create, .truncate], permissions: UInt32 = 0o644
    ) async throws(WorkspaceFSError) -> RemoteFileHandle {
        let response = try await perform(.openFile, path: path) {
            $0.flags = options.wireFlags
            $0.mode = permissions & 0o7777
        }
        return RemoteFileHandle(
            fileSystem: self, handle: response.handle, path: path, isAppending: options.contains(.append))
    }

    /// Opens `path` read-only, runs `body` with the handle and closes it, also when `body` throws.
    public func withFileHandle<Result: Sendable>(
        forReadingAt path: String, _ body: (RemoteFileHandle) async throws(WorkspaceFSError) -> Result
    ) async throws(WorkspaceFSError) -> Result {
        let handle = try await openFile(forReadingAt: path)
        return try await Self.closing(handle, body)
    }

    /// Opens `path` for writing, runs `body` with the handle and closes it, also when `body` throws.
    public func withFileHandle<Result: Sendable>(
        forWritingAt path: String, options: RemoteOpenOptions = [.create, .truncate], permissions: UInt32 = 0o644,
        _ body: (RemoteFileHandle) async throws(WorkspaceFSError) -> Result
    ) async throws(WorkspaceFSError) -> Result {
        let handle = try await openFile(forWritingAt: path, options: options, permissions: permissions)
        return try await Self.closing(handle, body)
    }

    private static func closing<Result: Sendable>(
        _ handle: RemoteFileHandle, _ body: (RemoteFileHandle) async throws(WorkspaceFSError) -> Result
    ) async throws(WorkspaceFSError) -> Result {
        let result: Result
        do {
            result = try await body(handle)
        } catch {
            // The body's error is the one worth reporting; a failed close after it adds nothing.
            try? await handle.close()
            throw error
        }
        try await handle.close()
        return result
    }

    /// Copies the file `source` to `destination` on the remote side (ReadAt/WriteAt through the
    /// client), keeping the permission bits; `progress` gets the byte count after each chunk.
    public func copyFile(
        at source: String, to destination: String, chunkLength: Int = 256 << 10,
        progress: @Sendable (Int64) -> Void = { _ in }
    ) async throws(WorkspaceFSError) {
        let input = try await openFile(forReadingAt: source)
        do {
            let info = try await input.info()
            try await withFileHandle(forWritingAt: destination, permissions: info.permissions) {
                output throws(WorkspaceFSError) in
                var offset: Int64 = 0
                while true {
                    let chunk = try await input.readChunk(fromAbsoluteOffset: offset, length: chunkLength)
                    if !chunk.bytes.isEmpty {
                        try await output.write(contentsOf: chunk.bytes, toAbsoluteOffset: offset)
                        offset += Int64(chunk.bytes.count)
                        progress(offset)
                    }
                    if chunk.isEndOfFile || chunk.bytes.isEmpty { break }
                }
            }
        } catch {
            try? await input.close()
            throw error
        }
        try await input.close()
    }
}
