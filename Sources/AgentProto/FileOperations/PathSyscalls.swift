// Path-level system calls swift-system does not wrap (mkdir, rename, unlink, symlink, readlink,
// chmod, chown, utimensat, statfs, readdir), each returning `Result<_, Errno>` in its style.

package import Glibc
package import SystemPackage

/// Path-level system calls, Linux semantics.
package enum PathSyscalls {
    /// `stat(2)` or `lstat(2)`. The corresponding C functions are `stat` and `lstat`.
    package static func status(of path: String, followingSymlinks: Bool) -> Result<stat, Errno> {
        var buffer = stat()
        return SystemCall.retrying {
            PathBytes.withCString(path) { fstatat(AT_FDCWD, $0, &buffer, followingSymlinks ? 0 : AT_SYMLINK_NOFOLLOW) }
        }.map { _ in buffer }
    }

    /// `fstatat(2)` relative to an open directory, never following a final symlink.
    package static func status(of name: String, inDirectory directory: CInt) -> Result<stat, Errno> {
        var buffer = stat()
        return SystemCall.retrying {
            PathBytes.withCString(name) { fstatat(directory, $0, &buffer, AT_SYMLINK_NOFOLLOW) }
        }.map { _ in buffer }
    }

    /// `mkdir(2)`; the process umask applies to `mode`.
    package static func makeDirectory(_ path: String, mode: mode_t) -> Result<Void, Errno> {
        SystemCall.retrying { PathBytes.withCString(path) { mkdir($0, mode) } }.map { _ in () }
    }

    /// `unlink(2)`.
    package static func unlink(_ path: String) -> Result<Void, Errno> {
        SystemCall.retrying { PathBytes.withCString(path) { Glibc.unlink($0) } }.map { _ in () }
    }

    /// `rmdir(2)`.
    package static func removeDirectory(_ path: String) -> Result<Void, Errno> {
        SystemCall.retrying { PathBytes.withCString(path) { rmdir($0) } }.map { _ in () }
    }

    /// `rename(2)`.
    package static func rename(_ path: String, to newPath: String) -> Result<Void, Errno> {
        SystemCall.retrying {
            PathBytes.withCString(path) { old in PathBytes.withCString(newPath) { Glibc.rename(old, $0) } }
        }.map { _ in () }
    }

    /// `chmod(2)`.
    package static func changeMode(_ path: String, mode: mode_t) -> Result<Void, Errno> {
        SystemCall.retrying { PathBytes.withCString(path) { chmod($0, mode) } }.map { _ in () }
    }

    /// `chown(2)` (follows symlinks); `UInt32.max` leaves that id unchanged.
    package static func changeOwner(_ path: String, uid: UInt32, gid: UInt32) -> Result<Void, Errno> {
        SystemCall.retrying { PathBytes.withCString(path) { chown($0, uid, gid) } }.map { _ in () }
    }

    /// `truncate(2)`.
    package static func truncate(_ path: String, size: Int64) -> Result<Void, Errno> {
        SystemCall.retrying { PathBytes.withCString(path) { Glibc.truncate($0, off_t(size)) } }.map { _ in () }
    }

    /// `symlink(2)`: a link at `linkPath` whose stored target is `target`, verbatim.
    package static func symlink(target: String, at linkPath: String) -> Result<Void, Errno> {
        SystemCall.retrying {
            PathBytes.withCString(target) { old in PathBytes.withCString(linkPath) { Glibc.symlink(old, $0) } }
        }.map { _ in () }
    }

    /// `link(2)`.
    package static func link(_ existingPath: String, to newPath: String) -> Result<Void, Errno> {
        SystemCall.retrying {
            PathBytes.withCString(existingPath) { old in PathBytes.withCString(newPath) { Glibc.link(old, $0) } }
        }.map { _ in () }
    }

    /// `readlink(2)`, growing the buffer until the whole target fits.
    package static func readLink(_ path: String) -> Result<String, Errno> {
        var capacity = 256
        while true {
            var buffer = [UInt8](repeating: 0, count: capacity)
            let result = buffer.withUnsafeMutableBufferPointer { pointer in
                SystemCall.retrying {
                    PathBytes.withCString(path) {
                        readlink(
                            $0, UnsafeMutableRawPointer(pointer.baseAddress!).assumingMemoryBound(to: CChar.self),
                            capacity)
                    }
                }
            }
            switch result {
            case .failure(let error): return .failure(error)
            case .success(let length) where length < capacity:
                return .success(PathBytes.string(from: buffer[0..<length]))
            case .success: capacity *= 4
            }
        }
    }

    /// `utimensat(2)` with both times given in Unix nanoseconds (zero is the epoch, as in Go's
    /// `time.Unix(0, ns)`, not "leave unchanged"); on a symbolic link itself when not following it.
    package static func setTimes(
        _ path: String, accessTime: Int64, modificationTime: Int64, followsSymbolicLink: Bool = true
    ) -> Result<Void, Errno> {
        var times = [timespec(unixNanoseconds: accessTime), timespec(unixNanoseconds: modificationTime)]
        let flags = followsSymbolicLink ? 0 : AT_SYMLINK_NOFOLLOW
        return SystemCall.retrying { PathBytes.withCString(path) { utimensat(AT_FDCWD, $0, &times, flags) } }.map { _ in
            ()
        }
    }

    /// `statvfs(3)`, which glibc implements with `statfs(2)` (same numbers, `f_namemax` = `f_namelen`).
    package static func fileSystemStatus(of path: String) -> Result<statvfs, Errno> {
        var buffer = statvfs()
        // The struct and the function share a name; a typed reference picks the function.
        let call: (UnsafePointer<CChar>, UnsafeMutablePointer<statvfs>) -> CInt = statvfs
        return SystemCall.retrying { PathBytes.withCString(path) { call($0, &buffer) } }.map { _ in buffer }
    }

    /// `getcwd(3)`.
    package static func currentDirectory() -> Result<String, Errno> {
        var capacity = 4096
        while true {
            var buffer = [CChar](repeating: 0, count: capacity)
            if getcwd(&buffer, capacity) != nil {
                let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
                return .success(PathBytes.string(from: bytes))
            }
            let code = Glibc.errno
            if code != ERANGE { return .failure(Errno(rawValue: code)) }
            capacity *= 4
        }
    }

    /// Every name in a directory except "." and "..", in the order `readdir(3)` returns them, with
    /// the directory left open for `status(of:inDirectory:)`; `body` runs before it is closed.
    package static func withDirectoryEntries<Value>(
        _ path: String,
        _ body: (_ names: [String], _ directory: CInt) -> Result<Value, Errno>
    ) -> Result<Value, Errno> {
        guard let stream = PathBytes.withCString(path, { opendir($0) }) else {
            return .failure(Errno(rawValue: Glibc.errno))
        }
        defer { closedir(stream) }
        var names: [String] = []
        while true {
            Glibc.errno = 0
            guard let entry = readdir(stream) else {
                let code = Glibc.errno
                if code != 0 { return .failure(Errno(rawValue: code)) }
                break
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                PathBytes.string(from: raw.prefix { $0 != 0 })
            }
            if name == "." || name == ".." { continue }
            names.append(name)
        }
        return body(names, dirfd(stream))
    }
}

extension timespec {
    /// A timespec from Unix nanoseconds, with the nanosecond part kept in 0..<1e9 for negative times.
    init(unixNanoseconds: Int64) {
        var seconds = unixNanoseconds / 1_000_000_000
        var nanoseconds = unixNanoseconds % 1_000_000_000
        if nanoseconds < 0 {
            seconds -= 1
            nanoseconds += 1_000_000_000
        }
        self.init(tv_sec: Int(seconds), tv_nsec: Int(nanoseconds))
    }
}
