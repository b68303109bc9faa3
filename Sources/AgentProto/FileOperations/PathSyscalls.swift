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
            fstatat(AT_FDCWD, path, &buffer, followingSymlinks ? 0 : AT_SYMLINK_NOFOLLOW)
        }.map { _ in buffer }
    }

    /// `fstatat(2)` relative to an open directory, never following a final symlink.
    package static func status(of name: String, inDirectory directory: CInt) -> Result<stat, Errno> {
        var buffer = stat()
        return SystemCall.retrying { fstatat(directory, name, &buffer, AT_SYMLINK_NOFOLLOW) }.map { _ in buffer }
    }

    /// `mkdir(2)`; the process umask applies to `mode`.
    package static func makeDirectory(_ path: String, mode: mode_t) -> Result<Void, Errno> {
        SystemCall.retrying { mkdir(path, mode) }.map { _ in () }
    }

    /// `unlink(2)`.
    package static func unlink(_ path: String) -> Result<Void, Errno> {
        SystemCall.retrying { Glibc.unlink(path) }.map { _ in () }
    }

    /// `rmdir(2)`.
    package static func removeDirectory(_ path: String) -> Result<Void, Errno> {
        SystemCall.retrying { rmdir(path) }.map { _ in () }
    }

    /// `rename(2)`.
    package static func rename(_ path: String, to newPath: String) -> Result<Void, Errno> {
        SystemCall.retrying { Glibc.rename(path, newPath) }.map { _ in () }
    }

    /// `chmod(2)`.
    package static func changeMode(_ path: String, mode: mode_t) -> Result<Void, Errno> {
        SystemCall.retrying { chmod(path, mode) }.map { _ in () }
    }

    /// `chown(2)` (follows symlinks); `UInt32.max` leaves that id unchanged.
    package static func changeOwner(_ path: String, uid: UInt32, gid: UInt32) -> Result<Void, Errno> {
        SystemCall.retrying { chown(path, uid, gid) }.map { _ in () }
    }

    /// `truncate(2)`.
    package static func truncate(_ path: String, size: Int64) -> Result<Void, Errno> {
        SystemCall.retrying { Glibc.truncate(path, off_t(size)) }.map { _ in () }
    }

    /// `symlink(2)`: a link at `linkPath` whose stored target is `target`, verbatim.
    package static func symlink(target: String, at linkPath: String) -> Result<Void, Errno> {
        SystemCall.retrying { Glibc.symlink(target, linkPath) }.map { _ in () }
    }

    /// `link(2)`.
    package static func link(_ existingPath: String, to newPath: String) -> Result<Void, Errno> {
        SystemCall.retrying { Glibc.link(existingPath, newPath) }.map { _ in () }
    }

    /// `readlink(2)`, growing the buffer until the whole target fits.
    package static func readLink(_ path: String) -> Result<String, Errno> {
        var capacity = 256
        while true {
            var buffer = [UInt8](repeating: 0, count: capacity)
            let result = buffer.withUnsafeMutableBufferPointer { pointer in
                SystemCall.retrying {
                    readlink(path, UnsafeMutableRawPointer(pointer.baseAddress!).assumingMemoryBound(to: CChar.self), capacity)
                }
            }
            switch result {
            case .failure(let error): return .failure(error)
            case .success(let length) where length < capacity:
                return .success(String(decoding: buffer[0..<length], as: UTF8.self))
            case .success: capacity *= 4
            }
        }
    }

    /// `utimensat(2)` with both times given in Unix nanoseconds (zero is the epoch, as in Go's
    /// `time.Unix(0, ns)`, not "leave unchanged").
    package static func setTimes(_ path: String, accessTime: Int64, modificationTime: Int64) -> Result<Void, Errno> {
        var times = [timespec(unixNanoseconds: accessTime), timespec(unixNanoseconds: modificationTime)]
        return SystemCall.retrying { utimensat(AT_FDCWD, path, &times, 0) }.map { _ in () }
    }

    /// `statvfs(3)`, which glibc implements with `statfs(2)` (same numbers, `f_namemax` = `f_namelen`).
    package static func fileSystemStatus(of path: String) -> Result<statvfs, Errno> {
        var buffer = statvfs()
        // The struct and the function share a name; a typed reference picks the function.
        let call: (UnsafePointer<CChar>, UnsafeMutablePointer<statvfs>) -> CInt = statvfs
        return SystemCall.retrying { call(path, &buffer) }.map { _ in buffer }
    }

    /// `getcwd(3)`.
    package static func currentDirectory() -> Result<String, Errno> {
        var capacity = 4096
        while true {
            var buffer = [CChar](repeating: 0, count: capacity)
            if getcwd(&buffer, capacity) != nil {
                let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
                return .success(String(decoding: bytes, as: UTF8.self))
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
        guard let stream = opendir(path) else { return .failure(Errno(rawValue: Glibc.errno)) }
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
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
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
