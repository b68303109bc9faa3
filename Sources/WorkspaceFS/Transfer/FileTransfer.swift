// Pipelined single-file transfers: many ReadAt/WriteAt requests in flight (TransferWindow), data
// written to `.NAME.mproxy-part` and renamed over NAME only when complete and synced.

import AgentProto
import SystemPackage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Moves files and trees between this machine and a ``RemoteFileSystem``.
///
/// Memory stays bounded: at most `window × chunkLength` bytes per file and `filesInFlight` files.
public struct FileTransfer: Sendable {
    /// The remote side.
    public let fileSystem: RemoteFileSystem
    /// Chunking, concurrency, `-p` and `--resume`.
    public let options: TransferOptions

    /// A transfer engine over `fileSystem`.
    public init(fileSystem: RemoteFileSystem, options: TransferOptions = TransferOptions()) {
        self.fileSystem = fileSystem
        self.options = options
    }

    private func localError(_ error: Errno, _ what: String, _ path: String) -> WorkspaceFSError {
        WorkspaceFSError(.local, "\(what) '\(path)': \(error)", path: path, cause: error)
    }

    /// Copies the remote file `remotePath` to `localPath`.
    ///
    /// - Returns: bytes transferred (excluding resumed bytes).
    @discardableResult
    public func download(from remotePath: String, to localPath: String) async throws(WorkspaceFSError) -> Int64 {
        let handle = try await fileSystem.openFile(forReadingAt: remotePath)
        do {
            let count = try await download(handle, to: localPath)
            try await handle.close()
            return count
        } catch {
            try? await handle.close()
            throw error
        }
    }

    private func download(_ handle: RemoteFileHandle, to localPath: String) async throws(WorkspaceFSError) -> Int64 {
        let info = try await handle.info()
        guard !info.isDirectory else {
            throw WorkspaceFSError(.invalidRequest, "'\(handle.path)' is a directory: use -r", path: handle.path)
        }
        let partial = TransferOptions.partialPath(for: localPath)
        var window = TransferWindow(chunkLength: options.chunkLength, capacity: options.window, endOffset: info.size)
        let descriptor: FileDescriptor
        var start: Int64 = 0
        do throws(Errno) {
            if options.resumes, let existing = try LocalFileSystem.statusIfExists(of: partial) {
                start = window.resumeOffset(forPartialSize: existing.size)
            }
            descriptor = try LocalFileSystem.open(partial, flags: O_WRONLY | O_CREAT | (start == 0 ? O_TRUNC : 0))
        } catch {
            throw localError(error, "cannot create", partial)
        }
        window = TransferWindow(
            chunkLength: options.chunkLength, capacity: options.window, startOffset: start, endOffset: info.size)
        options.progress?(.started(path: localPath, size: info.size, alreadyDone: start))
        var finalSize = info.size
        do throws(WorkspaceFSError) {
            finalSize = try await pump(window: window, progressPath: localPath) {
                offset, length throws(WorkspaceFSError) in
                let chunk = try await handle.readChunk(fromAbsoluteOffset: offset, length: length)
                do throws(Errno) {
                    let bytes = chunk.bytes
                    try await LocalIOThreads.shared.run { () throws(Errno) in
                        try LocalFileSystem.write(descriptor, bytes, at: offset)
                    }
                } catch {
                    throw localError(error, "cannot write", partial)
                }
                return (Int64(chunk.bytes.count), chunk.bytes.count < length)
            }
            do throws(Errno) {
                // Only a resumed or shrunken download can leave bytes past the end.
                if start > 0 || finalSize < info.size { try LocalFileSystem.resize(descriptor, to: finalSize) }
                // Synced before the rename, so a crash never leaves the final name pointing at a file
                // whose data never reached the disk.
                try await LocalIOThreads.shared.run { () throws(Errno) in try LocalFileSystem.synchronize(descriptor) }
            } catch {
                throw localError(error, "cannot write", partial)
            }
        } catch {
            LocalFileSystem.close(descriptor)
            throw error
        }
        LocalFileSystem.close(descriptor)
        do throws(Errno) {
            let permissions =
                options.preservesAttributes ? info.permissions : info.permissions & 0o777 & ~LocalFileSystem.umask
            try LocalFileSystem.setPermissions(permissions, at: partial)
            if options.preservesAttributes {
                try LocalFileSystem.setTimes(access: info.accessTime, modification: info.modificationTime, at: partial)
            }
            try LocalFileSystem.rename(partial, to: localPath)
        } catch {
            throw localError(error, "cannot finish", localPath)
        }
        options.progress?(.finished(path: localPath))
        return finalSize - start
    }

    /// Copies the local file `localPath` to `remotePath`.
    ///
    /// - Returns: bytes transferred (excluding resumed bytes).
    @discardableResult
    public func upload(from localPath: String, to remotePath: String) async throws(WorkspaceFSError) -> Int64 {
        let descriptor: FileDescriptor
        let status: LocalFileSystem.Status
        do throws(Errno) {
            status = try LocalFileSystem.status(of: localPath)
        } catch {
            throw localError(error, "cannot stat", localPath)
        }
        guard !status.isDirectory else {
            throw WorkspaceFSError(.invalidRequest, "'\(localPath)' is a directory: use -r", path: localPath)
        }
        do throws(Errno) {
            descriptor = try LocalFileSystem.open(localPath, flags: O_RDONLY)
        } catch {
            throw localError(error, "cannot open", localPath)
        }
        defer { LocalFileSystem.close(descriptor) }
        return try await upload(descriptor, status: status, from: localPath, to: remotePath)
    }

    private func upload(
        _ descriptor: FileDescriptor, status: LocalFileSystem.Status, from localPath: String, to remotePath: String
    ) async throws(WorkspaceFSError) -> Int64 {
        let partial = TransferOptions.partialPath(for: remotePath)
        var window = TransferWindow(chunkLength: options.chunkLength, capacity: options.window, endOffset: status.size)
        var start: Int64 = 0
        if options.resumes, let existing = try await fileSystem.infoIfExists(forFileAt: partial) {
            start = min(window.resumeOffset(forPartialSize: existing.size), status.size)
        }
        let handle = try await fileSystem.openFile(
            forWritingAt: partial, options: start == 0 ? [.create, .truncate] : [.create], permissions: 0o600)
        window = TransferWindow(
            chunkLength: options.chunkLength, capacity: options.window, startOffset: start, endOffset: status.size)
        options.progress?(.started(path: remotePath, size: status.size, alreadyDone: start))
        do throws(WorkspaceFSError) {
            _ = try await pump(window: window, progressPath: remotePath) { offset, length throws(WorkspaceFSError) in
                let bytes: [UInt8]
                do throws(Errno) {
                    bytes = try await LocalIOThreads.shared.run { () throws(Errno) in
                        try LocalFileSystem.read(descriptor, count: length, at: offset)
                    }
                } catch {
                    throw localError(error, "cannot read", localPath)
                }
                try await handle.write(contentsOf: bytes, toAbsoluteOffset: offset)
                return (Int64(bytes.count), bytes.count < length)
            }
            if start > 0 { try await handle.resize(to: status.size) }
            // Synced before the rename, so the final name never points at data still in flight.
            try await handle.synchronize()
        } catch {
            try? await handle.close()
            throw error
        }
        try await handle.close()
        let permissions = options.preservesAttributes ? status.permissions : status.permissions & 0o777
        try await fileSystem.setPermissions(permissions, at: partial)
        if options.preservesAttributes {
            try await fileSystem.setTimes(access: status.accessTime, modification: status.modificationTime, at: partial)
        }
        try await fileSystem.moveItem(at: partial, to: remotePath)
        options.progress?(.finished(path: remotePath))
        return status.size - start
    }

    /// Runs `move` for every chunk of `window`, keeping the window full.
    ///
    /// - Parameter move: transfers one chunk; returns the bytes moved and whether the source ended.
    /// - Returns: where the data ended (the window's end, or earlier when the source was shorter).
    private func pump(
        window initial: TransferWindow, progressPath: String,
        move: @escaping @Sendable (Int64, Int) async throws(WorkspaceFSError) -> (Int64, Bool)
    ) async throws(WorkspaceFSError) -> Int64 {
        var window = initial
        do {
            return try await withThrowingTaskGroup(of: (Int64, Int64, Bool).self) { group in
                func fill() {
                    while let (offset, length) = window.nextChunk() {
                        group.addTask {
                            let (count, ended) = try await move(offset, length)
                            return (offset, count, ended)
                        }
                    }
                }
                fill()
                while let (offset, count, ended) = try await group.next() {
                    window.finished(offset)
                    if ended { window.end(at: offset + count) }
                    options.progress?(.advanced(path: progressPath, bytes: count))
                    fill()
                }
                return window.endOffset
            }
        } catch let error as WorkspaceFSError {
            throw error
        } catch {
            throw WorkspaceFSError(.cancelled, "the transfer was cancelled", path: progressPath, cause: error)
        }
    }
}
