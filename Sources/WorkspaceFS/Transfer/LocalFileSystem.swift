// The local end of a transfer: thin wrappers over the few system calls a get or put needs, each
// throwing `Errno` (swift-system's style, EINTR retried in one place).

import AgentProto
public import SystemPackage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Local files for transfers: status, positional I/O, atomic rename, links, modes and times.
public enum LocalFileSystem {
    /// What a local lstat/stat says, in the fields a transfer needs.
    public struct Status: Hashable, Sendable {
        /// The raw `st_mode` (type and permission bits).
        public var mode: UInt32
        /// Size in bytes.
        public var size: Int64
        /// Access time, Unix nanoseconds.
        public var accessTime: Int64
        /// Modification time, Unix nanoseconds.
        public var modificationTime: Int64
        /// Whether it is a directory.
        public var isDirectory: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFDIR) }
        /// Whether it is a symbolic link.
        public var isSymbolicLink: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFLNK) }
        /// Whether it is a regular file.
        public var isRegularFile: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFREG) }
        /// Permission bits with set-uid, set-gid and sticky.
        public var permissions: UInt32 { mode & 0o7777 }
    }

    static func retrying(_ body: () -> Int) throws(Errno) -> Int {
        while true {
            let result = body()
            if result >= 0 { return result }
            if errno == EINTR { continue }
            throw Errno(rawValue: errno)
        }
    }

    /// `stat(2)`, or `lstat(2)` when `followingSymlinks` is false.
    public static func status(of path: String, followingSymlinks: Bool = true) throws(Errno) -> Status {
        var raw = stat()
        _ = try retrying { Int(PathBytes.withCString(path) { followingSymlinks ? stat($0, &raw) : lstat($0, &raw) }) }
        return Status(
            mode: UInt32(raw.st_mode), size: Int64(raw.st_size),
            accessTime: Int64(raw.st_atim.tv_sec) * 1_000_000_000 + Int64(raw.st_atim.tv_nsec),
            modificationTime: Int64(raw.st_mtim.tv_sec) * 1_000_000_000 + Int64(raw.st_mtim.tv_nsec))
    }

    /// The status, or `nil` when nothing is there.
    public static func statusIfExists(of path: String, followingSymlinks: Bool = true) throws(Errno) -> Status? {
        do {
            return try status(of: path, followingSymlinks: followingSymlinks)
        } catch .noSuchFileOrDirectory {
            return nil
        }
    }

    /// Opens `path` with `flags` and, when created, `mode`; close-on-exec.
    public static func open(_ path: String, flags: Int32, mode: UInt32 = 0o600) throws(Errno) -> FileDescriptor {
        FileDescriptor(
            rawValue: Int32(
                try retrying { Int(PathBytes.withCString(path) { Glibc.open($0, flags | O_CLOEXEC, mode_t(mode)) }) }))
    }

    /// Reads up to `count` bytes at `offset`; fewer only at end of file.
    public static func read(_ descriptor: FileDescriptor, count: Int, at offset: Int64) throws(Errno) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = try retrying {
                bytes.withUnsafeMutableBytes { buffer in
                    pread(
                        descriptor.rawValue, buffer.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled)
                    )
                }
            }
            if got == 0 { break }
            filled += got
        }
        bytes.removeLast(count - filled)
        return bytes
    }

    /// Writes all of `bytes` at `offset`.
    public static func write(_ descriptor: FileDescriptor, _ bytes: [UInt8], at offset: Int64) throws(Errno) {
        var written = 0
        while written < bytes.count {
            written += try retrying {
                bytes.withUnsafeBytes { buffer in
                    pwrite(
                        descriptor.rawValue, buffer.baseAddress! + written, bytes.count - written,
                        off_t(offset) + off_t(written))
                }
            }
        }
    }

    /// The size of an open file.
    public static func size(of descriptor: FileDescriptor) throws(Errno) -> Int64 {
        var raw = stat()
        _ = try retrying { Int(fstat(descriptor.rawValue, &raw)) }
        return Int64(raw.st_size)
    }

    /// `ftruncate(2)`.
    public static func resize(_ descriptor: FileDescriptor, to size: Int64) throws(Errno) {
        _ = try retrying { Int(ftruncate(descriptor.rawValue, off_t(size))) }
    }

    /// `fsync(2)`.
    public static func synchronize(_ descriptor: FileDescriptor) throws(Errno) {
        _ = try retrying { Int(fsync(descriptor.rawValue)) }
    }

    /// `close(2)`, once (never retried: the descriptor is gone either way).
    public static func close(_ descriptor: FileDescriptor) {
        _ = Glibc.close(descriptor.rawValue)
    }

    /// `rename(2)`.
    public static func rename(_ path: String, to newPath: String) throws(Errno) {
        _ = try retrying {
            Int(PathBytes.withCString(path) { old in PathBytes.withCString(newPath) { Glibc.rename(old, $0) } })
        }
    }

    /// `unlink(2)`.
    public static func remove(_ path: String) throws(Errno) {
        _ = try retrying { Int(PathBytes.withCString(path) { unlink($0) }) }
    }

    /// `chmod(2)`.
    public static func setPermissions(_ permissions: UInt32, at path: String) throws(Errno) {
        _ = try retrying { Int(PathBytes.withCString(path) { chmod($0, mode_t(permissions & 0o7777)) }) }
    }

    /// `utimensat(2)` on the path itself (a symlink's own times when it is one).
    public static func setTimes(access: Int64, modification: Int64, at path: String) throws(Errno) {
        var times = [
            timespec(tv_sec: Int(access / 1_000_000_000), tv_nsec: Int(access % 1_000_000_000)),
            timespec(tv_sec: Int(modification / 1_000_000_000), tv_nsec: Int(modification % 1_000_000_000)),
        ]
        _ = try retrying { Int(PathBytes.withCString(path) { utimensat(AT_FDCWD, $0, &times, AT_SYMLINK_NOFOLLOW) }) }
    }

    /// `mkdir -p`: success when `path` already is a directory.
    public static func createDirectory(at path: String, permissions: UInt32 = 0o777) throws(Errno) {
        if let existing = try statusIfExists(of: path) {
            if existing.isDirectory { return }
            throw .fileExists
        }
        let parent = RemotePath.directoryName(path)
        if parent != path, parent != ".", parent != "/" { try createDirectory(at: parent) }
        do {
            _ = try retrying { Int(PathBytes.withCString(path) { mkdir($0, mode_t(permissions)) }) }
        } catch .fileExists {
            return
        }
    }

    /// `symlink(2)`: a link at `path` whose target text is `destination`.
    public static func createSymbolicLink(at path: String, withDestination destination: String) throws(Errno) {
        _ = try retrying {
            Int(PathBytes.withCString(destination) { target in PathBytes.withCString(path) { symlink(target, $0) } })
        }
    }

    /// `readlink(2)`.
    public static func destinationOfSymbolicLink(at path: String) throws(Errno) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = try retrying { PathBytes.withCString(path) { readlink($0, &buffer, buffer.count - 1) } }
        return PathBytes.string(from: buffer[0..<length].map { UInt8(bitPattern: $0) })
    }

    /// The names in a directory, without "." and "..", sorted by their bytes.
    public static func contentsOfDirectory(at path: String) throws(Errno) -> [String] {
        guard let stream = PathBytes.withCString(path, { opendir($0) }) else { throw Errno(rawValue: errno) }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                PathBytes.string(from: raw.prefix { $0 != 0 })
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.map { (PathBytes.bytes(of: $0), $0) }.sorted { $0.0.lexicographicallyPrecedes($1.0) }.map(\.1)
    }

    /// The process umask, read without changing it for longer than two calls.
    public static var umask: UInt32 {
        let mask = Glibc.umask(0o022)
        _ = Glibc.umask(mask)
        return UInt32(mask)
    }
}
