/// Which file operation a request asks for (agentproto `FileOp`, v2 numbering, under key `op`).
///
/// An open struct: an unknown code still decodes, and the server answers it with ENOSYS.
public struct FileOperationCode: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `p` → `h`: open read-only.
    public static let open = FileOperationCode(rawValue: 1)
    /// `p` → `h`: create or truncate, read-write, mode 0666 before umask.
    public static let create = FileOperationCode(rawValue: 2)
    /// `p`, `fl`, `mo` → `h`: open with Linux `O_*` flags and a mode.
    public static let openFile = FileOperationCode(rawValue: 3)
    /// `h`: close a handle.
    public static let close = FileOperationCode(rawValue: 4)
    /// `h`, `of`, `sz` → `d`, `n`, `eof`: positional read.
    public static let readAt = FileOperationCode(rawValue: 5)
    /// `h`, `of`, `d` → `n`: positional write; offset −1 writes at the end (append handles).
    public static let writeAt = FileOperationCode(rawValue: 6)
    /// `p` → `st`: stat, following symlinks.
    public static let stat = FileOperationCode(rawValue: 7)
    /// `p` → `st`: stat, not following symlinks.
    public static let lstat = FileOperationCode(rawValue: 8)
    /// `p` → `en`: directory entries sorted by name, lstat-style.
    public static let readDirectory = FileOperationCode(rawValue: 9)
    /// `p`, `mo`: make one directory.
    public static let makeDirectory = FileOperationCode(rawValue: 10)
    /// `p`, `mo`: make a directory and its missing parents.
    public static let makeDirectoryAll = FileOperationCode(rawValue: 11)
    /// `p`: remove a file or an empty directory.
    public static let remove = FileOperationCode(rawValue: 12)
    /// `p`, `np`: rename.
    public static let rename = FileOperationCode(rawValue: 13)
    /// `p`, `mo`: change permissions.
    public static let changeMode = FileOperationCode(rawValue: 14)
    /// `p`, `sz`: truncate a path.
    public static let truncate = FileOperationCode(rawValue: 15)
    /// → `p`: the agent's working directory.
    public static let getWorkingDirectory = FileOperationCode(rawValue: 16)
    /// `h`: flush a handle to disk.
    public static let fsync = FileOperationCode(rawValue: 17)
    /// `p` → `p`: a symlink's target as stored.
    public static let readLink = FileOperationCode(rawValue: 18)
    /// `p` target, `np` link path: make a symlink.
    public static let symlink = FileOperationCode(rawValue: 19)
    /// `p` existing, `np` new: make a hard link.
    public static let link = FileOperationCode(rawValue: 20)
    /// `p`, `uid`, `gid`: change ownership (0xFFFFFFFF leaves one unchanged).
    public static let changeOwner = FileOperationCode(rawValue: 21)
    /// `p`, `at`, `mt`: set access and modification times in Unix nanoseconds.
    public static let changeTimes = FileOperationCode(rawValue: 22)
    /// `p` → `sf`: file system statistics.
    public static let statfs = FileOperationCode(rawValue: 23)
    /// `h` → `st`: stat an open handle.
    public static let fstat = FileOperationCode(rawValue: 24)
    /// `h`, `sz`: truncate an open handle.
    public static let ftruncate = FileOperationCode(rawValue: 25)
}

extension FileOperationCode: CustomStringConvertible {
    /// The operation's Go name, or its number when this build does not know it.
    public var description: String {
        let names = [
            "Open", "Create", "OpenFile", "Close", "ReadAt", "WriteAt", "Stat", "Lstat", "ReadDir", "Mkdir",
            "MkdirAll", "Remove", "Rename", "Chmod", "Truncate", "Getwd", "Fsync", "Readlink", "Symlink", "Link",
            "Chown", "Chtimes", "Statfs", "Fstat", "Ftruncate",
        ]
        let index = Int(rawValue) - 1
        return names.indices.contains(index) ? names[index] : "op-\(rawValue)"
    }
}
