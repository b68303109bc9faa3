// Operations on paths: Stat, Lstat, ReadDir, Mkdir, MkdirAll, Remove, Rename, Chmod, Truncate,
// Getwd, Readlink, Symlink, Link, Chown, Chtimes, Statfs. Error texts follow Go's `os` package.

import Glibc
import SystemPackage

extension FileOperationServer {
    func status(_ request: FileOperationRequest, followingSymlinks: Bool) -> FileOperationResponse {
        switch PathSyscalls.status(of: request.path, followingSymlinks: followingSymlinks) {
        case .success(let raw):
            let status = FileStatus(name: FileStatus.baseName(of: request.path), stat: raw)
            return FileOperationResponse(id: request.id, status: status)
        case .failure(let error):
            return .failure(id: request.id, error, operation: followingSymlinks ? "stat" : "lstat", paths: request.path)
        }
    }

    func readDirectory(_ request: FileOperationRequest) -> FileOperationResponse {
        let result = PathSyscalls.withDirectoryEntries(request.path) {
            names, directory -> Result<[DirectoryEntry], Errno> in
            // Go's os.ReadDir sorts by name (byte order) and lstats each entry; one failure fails all.
            var entries: [DirectoryEntry] = []
            entries.reserveCapacity(names.count)
            for name in sortedByBytes(names) {
                switch PathSyscalls.status(of: name, inDirectory: directory) {
                case .success(let raw): entries.append(DirectoryEntry(status: FileStatus(name: name, stat: raw)))
                case .failure(let error): return .failure(error)
                }
            }
            return .success(entries)
        }
        switch result {
        case .success(let entries): return FileOperationResponse(id: request.id, entries: entries)
        case .failure(let error): return .failure(id: request.id, error, operation: "open", paths: request.path)
        }
    }

    /// Names in byte order (escaped bytes restored first), leaving out those that are not UTF-8
    /// unless the client can receive them.
    private func sortedByBytes(_ names: [String]) -> [String] {
        let plain = names.filter { !PathBytes.containsMarker($0) }
        guard plain.count < names.count else { return plain.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
        let sendable = sendsBytePaths ? names : names.filter { PathBytes.isText($0) }
        return sendable.map { (PathBytes.bytes(of: $0), $0) }
            .sorted { $0.0.lexicographicallyPrecedes($1.0) }
            .map(\.1)
    }

    /// A path answer (Getwd, Readlink), or EILSEQ when it is not UTF-8 and the client cannot take bytes.
    private func pathAnswer(_ request: FileOperationRequest, _ path: String, operation: String) -> FileOperationResponse
    {
        guard sendsBytePaths || PathBytes.isText(path) else {
            return .failure(
                id: request.id, .illegalByteSequence,
                message: "\(operation) \(request.path): the name is not valid UTF-8 (ask for the byte-paths extension)")
        }
        return FileOperationResponse(id: request.id, path: path)
    }

    func makeDirectory(_ request: FileOperationRequest) -> FileOperationResponse {
        answer(request, "mkdir", PathSyscalls.makeDirectory(request.path, mode: mode_t(request.mode & 0o7777)))
    }

    func makeDirectoryAll(_ request: FileOperationRequest) -> FileOperationResponse {
        answer(request, "mkdir", makeDirectoryAll(request.path, mode: mode_t(request.mode & 0o7777)))
    }

    /// Go's `os.MkdirAll`: success when the path already is a directory, ENOTDIR when it is
    /// something else, otherwise make the parent first and then this one.
    private func makeDirectoryAll(_ path: String, mode: mode_t) -> Result<Void, Errno> {
        switch PathSyscalls.status(of: path, followingSymlinks: true) {
        case .success(let raw):
            return raw.st_mode & S_IFMT == S_IFDIR ? .success(()) : .failure(.notDirectory)
        case .failure:
            break
        }
        var bytes = Array(path.utf8)
        while bytes.count > 1, bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
        if let slash = bytes.lastIndex(of: UInt8(ascii: "/")), slash > 0 {
            let parent = String(decoding: bytes[..<slash], as: UTF8.self)
            if case .failure(let error) = makeDirectoryAll(parent, mode: mode) { return .failure(error) }
        }
        switch PathSyscalls.makeDirectory(path, mode: mode) {
        case .success: return .success(())
        case .failure(let error):
            // Another process may have made it meanwhile; that is success, as in Go.
            if case .success(let raw) = PathSyscalls.status(of: path, followingSymlinks: false),
                raw.st_mode & S_IFMT == S_IFDIR
            {
                return .success(())
            }
            return .failure(error)
        }
    }

    func remove(_ request: FileOperationRequest) -> FileOperationResponse {
        // Go's os.Remove: unlink, then rmdir; rmdir's ENOTDIR says the unlink error was the real one.
        guard case .failure(let unlinkError) = PathSyscalls.unlink(request.path) else {
            return FileOperationResponse(id: request.id)
        }
        guard case .failure(let removeError) = PathSyscalls.removeDirectory(request.path) else {
            return FileOperationResponse(id: request.id)
        }
        let error = removeError == .notDirectory ? unlinkError : removeError
        return .failure(id: request.id, error, operation: "remove", paths: request.path)
    }

    func rename(_ request: FileOperationRequest) -> FileOperationResponse {
        answer(
            request, "rename", PathSyscalls.rename(request.path, to: request.newPath), paths: request.path,
            request.newPath)
    }

    func changeMode(_ request: FileOperationRequest) -> FileOperationResponse {
        answer(request, "chmod", PathSyscalls.changeMode(request.path, mode: mode_t(request.mode & 0o7777)))
    }

    func truncate(_ request: FileOperationRequest) -> FileOperationResponse {
        answer(request, "truncate", PathSyscalls.truncate(request.path, size: request.size))
    }

    func workingDirectory(_ request: FileOperationRequest) -> FileOperationResponse {
        // Go's os.Getwd prefers $PWD when it names the same directory as ".".
        if let environment = getenv("PWD") {
            let candidate = String(cString: environment)
            if candidate.hasPrefix("/"),
                case .success(let named) = PathSyscalls.status(of: candidate, followingSymlinks: true),
                case .success(let current) = PathSyscalls.status(of: ".", followingSymlinks: true),
                named.st_dev == current.st_dev, named.st_ino == current.st_ino
            {
                return FileOperationResponse(id: request.id, path: candidate)
            }
        }
        switch PathSyscalls.currentDirectory() {
        case .success(let path): return pathAnswer(request, path, operation: "getwd")
        case .failure(let error): return .failure(id: request.id, error, message: "getwd: \(error.goText)")
        }
    }

    func readLink(_ request: FileOperationRequest) -> FileOperationResponse {
        switch PathSyscalls.readLink(request.path) {
        case .success(let target): return pathAnswer(request, target, operation: "readlink")
        case .failure(let error): return .failure(id: request.id, error, operation: "readlink", paths: request.path)
        }
    }

    func symlink(_ request: FileOperationRequest) -> FileOperationResponse {
        answer(
            request, "symlink", PathSyscalls.symlink(target: request.path, at: request.newPath), paths: request.path,
            request.newPath)
    }

    func link(_ request: FileOperationRequest) -> FileOperationResponse {
        answer(
            request, "link", PathSyscalls.link(request.path, to: request.newPath), paths: request.path, request.newPath)
    }

    func changeOwner(_ request: FileOperationRequest) -> FileOperationResponse {
        answer(request, "chown", PathSyscalls.changeOwner(request.path, uid: request.uid, gid: request.gid))
    }

    func changeTimes(_ request: FileOperationRequest) -> FileOperationResponse {
        // Go's Chtimes follows links and ignores `flags`; AT_SYMLINK_NOFOLLOW there is the
        // `chtimes-nofollow` extension (PROTOCOL.md), which only a client that saw it announced sends.
        let result = PathSyscalls.setTimes(
            request.path,
            accessTime: request.accessTime,
            modificationTime: request.modificationTime,
            followsSymbolicLink: !request.setsSymbolicLinkTimes
        )
        return answer(request, "chtimes", result)
    }

    func fileSystemStatus(_ request: FileOperationRequest) -> FileOperationResponse {
        switch PathSyscalls.fileSystemStatus(of: request.path) {
        case .success(let raw):
            return FileOperationResponse(id: request.id, fileSystemStatus: FileSystemStatus(statvfs: raw))
        case .failure(let error): return .failure(id: request.id, error, operation: "statfs", paths: request.path)
        }
    }

    private func answer(_ request: FileOperationRequest, _ operation: String, _ result: Result<Void, Errno>)
        -> FileOperationResponse
    {
        answer(request, operation, result, paths: request.path)
    }

    private func answer(
        _ request: FileOperationRequest,
        _ operation: String,
        _ result: Result<Void, Errno>,
        paths: String...
    ) -> FileOperationResponse {
        switch result {
        case .success:
            return FileOperationResponse(id: request.id)
        case .failure(let error):
            let subject = ([operation] + paths).joined(separator: " ")
            return .failure(id: request.id, error, message: "\(subject): \(error.goText)")
        }
    }
}
