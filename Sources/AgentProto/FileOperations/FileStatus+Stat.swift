// Filling agentproto `FileStat` and `FileStatfs` from Linux `stat` and `statfs`, as the Go agent's
// Unix build does (extended fields from the raw stat, mode in Go `os.FileMode` layout).

package import Glibc

extension FileStatus {
    /// A status from a raw `stat`, named `name` (the base name of the path asked about).
    package init(name: String, stat raw: stat) {
        let mode = GoFileMode(posixMode: UInt32(raw.st_mode))
        self.init(
            name: name,
            size: Int64(raw.st_size),
            mode: mode.rawValue,
            modificationTime: Int64(raw.st_mtim.tv_sec) * 1_000_000_000 + Int64(raw.st_mtim.tv_nsec),
            accessTime: Int64(raw.st_atim.tv_sec) * 1_000_000_000 + Int64(raw.st_atim.tv_nsec),
            changeTime: Int64(raw.st_ctim.tv_sec) * 1_000_000_000 + Int64(raw.st_ctim.tv_nsec),
            uid: UInt32(raw.st_uid),
            gid: UInt32(raw.st_gid),
            linkCount: UInt32(truncatingIfNeeded: raw.st_nlink),
            deviceNumber: UInt32(truncatingIfNeeded: raw.st_rdev),
            blocks: UInt64(raw.st_blocks),
            blockSize: UInt32(truncatingIfNeeded: raw.st_blksize),
            inode: UInt64(raw.st_ino),
            isDirectory: mode.contains(.directory)
        )
    }

    /// The last path element, as Go's `filepath.Base` gives it ("/" for the root, "." for "").
    package static func baseName(of path: String) -> String {
        var bytes = Array(path.utf8)
        while bytes.count > 1, bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
        if bytes.isEmpty { return "." }
        if bytes == [UInt8(ascii: "/")] { return "/" }
        if let slash = bytes.lastIndex(of: UInt8(ascii: "/")) { bytes.removeSubrange(...slash) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension FileSystemStatus {
    /// Statistics from a raw Linux `statvfs` (the fields of `statfs(2)` under other names).
    package init(statvfs raw: statvfs) {
        self.init(
            blocks: UInt64(raw.f_blocks),
            freeBlocks: UInt64(raw.f_bfree),
            availableBlocks: UInt64(raw.f_bavail),
            files: UInt64(raw.f_files),
            freeFiles: UInt64(raw.f_ffree),
            blockSize: UInt32(truncatingIfNeeded: raw.f_bsize),
            fragmentSize: UInt32(truncatingIfNeeded: raw.f_frsize),
            maximumNameLength: UInt32(truncatingIfNeeded: raw.f_namemax)
        )
    }
}
