// `--root`: every path a file operation names must resolve beneath the workspace root. Resolution
// is the kernel's (openat2 RESOLVE_BENEATH, which refuses `..`, absolute symlinks and symlinks
// leading out), never a string prefix check; the request then runs on `/proc/self/fd/N[/name]`,
// so the server acts on exactly the object that was checked.

import AgentProto
import CSystemExtras
import Glibc
import SystemPackage

/// Rewrites file-operation requests so they can only reach files beneath one directory.
final class WorkspaceConfinement: Sendable {
    private static let resolveBeneath: UInt64 = 0x08
    /// Linux O_PATH (GNU, not exported by Glibc to Swift).
    private static let pathOnly: Int32 = 0o10000000

    /// The root as the client gave it, for Getwd and for accepting absolute paths inside it.
    let rootPath: String
    private let root: Int32

    /// Opens the root; fails when it is not a directory the agent can reach.
    init(rootPath: String) throws(Errno) {
        var path = rootPath
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        let descriptor = PathBytes.withCString(path) { open($0, Self.pathOnly | O_DIRECTORY | O_CLOEXEC) }
        guard descriptor >= 0 else { throw Errno(rawValue: errno) }
        // The canonical path, so Getwd is absolute and absolute paths the client builds from it match.
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/fd/\(descriptor)", &buffer, buffer.count - 1)
        self.rootPath =
            length > 0 ? PathBytes.string(from: buffer[0..<length].map { UInt8(bitPattern: $0) }) : path
        self.root = descriptor
    }

    deinit { close(root) }

    /// Answers `request` through `server` if every path in it stays beneath the root.
    func handle(_ request: FileOperationRequest, with server: FileOperationServer) -> FileOperationResponse {
        var opened: [Int32] = []
        defer { opened.forEach { close($0) } }
        do throws(Errno) {
            var rewritten = request
            switch request.operation {
            case .getWorkingDirectory:
                return FileOperationResponse(id: request.id, path: rootPath)
            case .makeDirectoryAll:
                return try makeDirectoryAll(request, with: server)
            case .changeTimes where request.setsSymbolicLinkTimes:
                rewritten.path = try resolveParent(request.path, opened: &opened)
            case .stat, .readDirectory, .changeMode, .changeOwner, .truncate, .changeTimes, .statfs:
                rewritten.path = try resolveFully(request.path, opened: &opened)
            case .open, .create, .openFile:
                rewritten = try resolveOpen(request, opened: &opened)
            case .lstat, .readLink, .remove, .makeDirectory:
                rewritten.path = try resolveParent(request.path, opened: &opened)
            case .rename, .link:
                rewritten.path = try resolveParent(request.path, opened: &opened)
                rewritten.newPath = try resolveParent(request.newPath, opened: &opened)
            case .symlink:
                // `p` is the target text, stored verbatim; following it later is what gets checked.
                rewritten.newPath = try resolveParent(request.newPath, opened: &opened)
            default:
                break
            }
            var response = server.handle(rewritten)
            if !response.isError, [.open, .create, .openFile].contains(request.operation) {
                server.relabel(response.handle, as: request.path)
            }
            if !response.isError, request.operation == .stat {
                // Stat names what it was asked about (Go's FileInfo.Name), not the /proc fd used.
                response.status?.name = FileStatus.baseName(of: request.path)
            }
            if response.isError {
                // The agent's text names the /proc path it used; the client should see its own path.
                // Both as the message shows them (names that are not UTF-8 appear as \xNN there).
                response.errorMessage = Self.replacing(
                    PathBytes.displayString(rewritten.path), with: PathBytes.displayString(request.path),
                    in: response.errorMessage)
                if !rewritten.newPath.isEmpty {
                    response.errorMessage = Self.replacing(
                        PathBytes.displayString(rewritten.newPath), with: PathBytes.displayString(request.newPath),
                        in: response.errorMessage)
                }
            }
            return response
        } catch {
            let subject =
                request.operation == .symlink || request.operation == .rename || request.operation == .link
                ? "\(request.path) \(request.newPath)" : request.path
            let reason =
                error == .permissionDenied ? "permission denied (outside the workspace root \(rootPath))" : error.goText
            return .failure(id: request.id, error, message: "\(subject): \(reason)")
        }
    }

    /// The path relative to the root: absolute paths are accepted only when they name the root or
    /// something written below it (the kernel still checks every component afterwards).
    private func relative(_ path: String) throws(Errno) -> String {
        guard path.hasPrefix("/") else { return path.isEmpty ? "." : path }
        if path == rootPath || path == rootPath + "/" { return "." }
        let prefix = rootPath == "/" ? "/" : rootPath + "/"
        guard path.hasPrefix(prefix) else { throw .permissionDenied }
        let rest = String(path.dropFirst(prefix.count))
        return rest.isEmpty ? "." : rest
    }

    private func openBeneath(_ path: String, flags: Int32, mode: UInt32 = 0) throws(Errno) -> Int32 {
        let descriptor = PathBytes.withCString(path) {
            mproxy_openat2(root, $0, flags | O_CLOEXEC, mode, Self.resolveBeneath)
        }
        // EXDEV is how the kernel says "this leaves the root"; EACCES says it to the user.
        guard descriptor >= 0 else { throw errno == EXDEV ? Errno.permissionDenied : Errno(rawValue: errno) }
        return descriptor
    }

    /// The whole path resolved beneath the root, symlinks followed: `/proc/self/fd/N`.
    private func resolveFully(_ path: String, opened: inout [Int32]) throws(Errno) -> String {
        let descriptor = try openBeneath(try relative(path), flags: Self.pathOnly)
        opened.append(descriptor)
        return "/proc/self/fd/\(descriptor)"
    }

    /// The parent resolved beneath the root and the last name kept as is (not followed):
    /// `/proc/self/fd/N/name`. A last component of `.` or `..` is resolved fully instead.
    private func resolveParent(_ path: String, opened: inout [Int32]) throws(Errno) -> String {
        let relativePath = try relative(path)
        let name = RelativeName(relativePath)
        if name.last == "." || name.last == ".." || name.last.isEmpty {
            // "/." makes the kernel follow the magic link, so lstat sees the directory, not the link.
            return try resolveFully(path, opened: &opened) + "/."
        }
        let parent = try openBeneath(name.parent, flags: Self.pathOnly | O_DIRECTORY)
        opened.append(parent)
        return "/proc/self/fd/\(parent)/\(name.last)"
    }

    /// Open, Create and OpenFile: an existing file is resolved fully (its symlinks checked); a new
    /// one is created by name in its checked parent, with O_NOFOLLOW so a symlink slipped in
    /// meanwhile is refused rather than followed.
    private func resolveOpen(_ request: FileOperationRequest, opened: inout [Int32]) throws(Errno)
        -> FileOperationRequest
    {
        var rewritten = request
        switch request.operation {
        case .open: rewritten.flags = O_RDONLY
        case .create:
            rewritten.flags = O_RDWR | O_CREAT | O_TRUNC
            rewritten.mode = 0o666
        default: break
        }
        rewritten.operation = .openFile
        do {
            rewritten.path = try resolveFully(request.path, opened: &opened)
        } catch .noSuchFileOrDirectory where rewritten.flags & O_CREAT != 0 {
            rewritten.path = try resolveParent(request.path, opened: &opened)
            rewritten.flags |= O_NOFOLLOW
        }
        return rewritten
    }

    /// MkdirAll one component at a time, each created in its checked parent.
    private func makeDirectoryAll(_ request: FileOperationRequest, with server: FileOperationServer) throws(Errno)
        -> FileOperationResponse
    {
        let components = try relative(request.path).split(separator: "/").map(String.init)
        var prefix = ""
        for component in components where component != "." {
            prefix = prefix.isEmpty ? component : prefix + "/" + component
            var opened: [Int32] = []
            defer { opened.forEach { close($0) } }
            if let existing = try? resolveFully(prefix, opened: &opened) {
                var status = stat()
                guard PathBytes.withCString(existing, { stat($0, &status) }) == 0, status.st_mode & S_IFMT == S_IFDIR
                else { throw .notDirectory }
                continue
            }
            let target = try resolveParent(prefix, opened: &opened)
            let response = server.handle(
                FileOperationRequest(id: request.id, operation: .makeDirectory, path: target, mode: request.mode))
            if response.isError, response.errno != UInt32(EEXIST) { throw Errno(rawValue: Int32(response.errno)) }
        }
        return FileOperationResponse(id: request.id)
    }

    /// `text` with every occurrence of `target` replaced (byte-wise; the stdlib's `replacing` would
    /// link the string-processing library into the static agent).
    private static func replacing(_ target: String, with replacement: String, in text: String) -> String {
        let bytes = Array(text.utf8)
        let pattern = Array(target.utf8)
        guard !pattern.isEmpty else { return text }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if index + pattern.count <= bytes.count, bytes[index..<index + pattern.count].elementsEqual(pattern) {
                result += replacement.utf8
                index += pattern.count
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}

/// A relative path split into its parent and last name.
private struct RelativeName {
    var parent: String
    var last: String

    init(_ path: String) {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        if let slash = trimmed.lastIndex(of: "/") {
            parent = trimmed[..<slash].isEmpty ? "." : String(trimmed[..<slash])
            last = String(trimmed[trimmed.index(after: slash)...])
        } else {
            parent = "."
            last = String(trimmed)
        }
    }
}
