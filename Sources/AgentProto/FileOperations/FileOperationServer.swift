// The agent's file-operation service (agentproto `FileOpServer`, v2 numbering, 25 operations).
//
// Unlike the Go server, which handles one request at a time inside the mux read loop, this one is
// safe to call from many threads at once: the handle table sits in a `Mutex` and no system call
// runs under it, so a slow ReadAt never holds up a Stat.

import Synchronization
import SystemPackage

/// Answers file-operation requests against the local file system, with Go agent semantics.
///
/// Thread-safe: call ``handle(_:)`` from any number of threads; responses carry the request's id,
/// so they may be sent in any order.
public final class FileOperationServer: Sendable {
    /// The largest ReadAt the server allocates for; larger requests fail with EINVAL instead of
    /// letting the peer choose how much memory the agent allocates.
    public let maximumReadSize: Int

    let table = Mutex(FileHandleTable())
    private let bytePaths = Atomic(false)

    /// Whether names that are not UTF-8 may be sent as CBOR byte strings: true once the client asked
    /// for the `byte-paths` extension (PROTOCOL.md). Until then, as a Go client would choke on them,
    /// ReadDir leaves such entries out and Readlink and Getwd fail with EILSEQ for them.
    public var sendsBytePaths: Bool {
        get { bytePaths.load(ordering: .acquiring) }
        set { bytePaths.store(newValue, ordering: .releasing) }
    }

    /// Creates a server with no open handles.
    ///
    /// - Parameter maximumReadSize: the largest ReadAt size accepted (16 MiB by default).
    public init(maximumReadSize: Int = 16 << 20) {
        self.maximumReadSize = maximumReadSize
    }

    deinit {
        closeAll()
    }

    /// How many handles are open.
    public var openHandleCount: Int { table.withLock { $0.count } }

    /// Makes `handle` report `path` from now on (in Fstat's name and in error messages) instead of
    /// the path it was opened with: a host that rewrote the request's path before handing it over
    /// (a confined workspace opens through `/proc/self/fd`) gives back the client's own.
    public func relabel(_ handle: UInt32, as path: String) {
        table.withLock { $0.relabel(handle, as: path) }
    }

    /// Performs one request and returns its response, which always carries the request's id.
    public func handle(_ request: FileOperationRequest) -> FileOperationResponse {
        switch request.operation {
        case .open: return open(request, flags: 0, mode: 0)  // O_RDONLY
        case .create: return open(request, flags: 0o1102, mode: 0o666)  // O_RDWR | O_CREAT | O_TRUNC
        case .openFile: return open(request, flags: request.flags, mode: request.mode & 0o7777)
        case .close: return close(request)
        case .readAt: return readAt(request)
        case .writeAt: return writeAt(request)
        case .stat: return status(request, followingSymlinks: true)
        case .lstat: return status(request, followingSymlinks: false)
        case .readDirectory: return readDirectory(request)
        case .makeDirectory: return makeDirectory(request)
        case .makeDirectoryAll: return makeDirectoryAll(request)
        case .remove: return remove(request)
        case .rename: return rename(request)
        case .changeMode: return changeMode(request)
        case .truncate: return truncate(request)
        case .getWorkingDirectory: return workingDirectory(request)
        case .fsync: return synchronize(request)
        case .readLink: return readLink(request)
        case .symlink: return symlink(request)
        case .link: return link(request)
        case .changeOwner: return changeOwner(request)
        case .changeTimes: return changeTimes(request)
        case .statfs: return fileSystemStatus(request)
        case .fstat: return handleStatus(request)
        case .ftruncate: return handleTruncate(request)
        default: return .failure(id: request.id, .noFunction, message: "unknown file op")
        }
    }

    /// Closes every open handle (the Go server's `CloseAll`, run when the service ends). Handles in
    /// use by a running request are closed when that request finishes.
    public func closeAll() {
        let idle = table.withLock { $0.removeAll() }
        for descriptor in idle { DescriptorSyscalls.close(descriptor) }
    }
}
