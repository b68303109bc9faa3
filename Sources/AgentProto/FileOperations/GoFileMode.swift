// Go's `os.FileMode` bit layout, which agentproto uses for `FileStat.m` instead of POSIX `st_mode`
// (Go `io/fs` FileMode constants; conversion as in Go's `fillFileStatFromSys` for Linux).

/// A file mode in Go `os.FileMode` layout: type and flag bits at the top, permissions in the low 9 bits.
public struct GoFileMode: RawRepresentable, Hashable, Sendable {
    /// The bits as they appear on the wire.
    public var rawValue: UInt32
    /// Creates a mode from its wire bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `d`: a directory.
    public static let directory = GoFileMode(rawValue: 1 << 31)
    /// `a`: append-only.
    public static let append = GoFileMode(rawValue: 1 << 30)
    /// `l`: exclusive use.
    public static let exclusive = GoFileMode(rawValue: 1 << 29)
    /// `T`: temporary file (Plan 9 only).
    public static let temporary = GoFileMode(rawValue: 1 << 28)
    /// `L`: a symbolic link.
    public static let symlink = GoFileMode(rawValue: 1 << 27)
    /// `D`: a device file.
    public static let device = GoFileMode(rawValue: 1 << 26)
    /// `p`: a named pipe.
    public static let namedPipe = GoFileMode(rawValue: 1 << 25)
    /// `S`: a Unix domain socket.
    public static let socket = GoFileMode(rawValue: 1 << 24)
    /// `u`: setuid.
    public static let setuid = GoFileMode(rawValue: 1 << 23)
    /// `g`: setgid.
    public static let setgid = GoFileMode(rawValue: 1 << 22)
    /// `c`: a character device (set together with ``device``).
    public static let characterDevice = GoFileMode(rawValue: 1 << 21)
    /// `t`: sticky.
    public static let sticky = GoFileMode(rawValue: 1 << 20)
    /// `?`: a non-regular file of an unknown type.
    public static let irregular = GoFileMode(rawValue: 1 << 19)

    /// The permission bits (0o777).
    public var permissions: UInt32 { rawValue & 0o777 }

    /// Whether every bit of `other` is set.
    public func contains(_ other: GoFileMode) -> Bool { rawValue & other.rawValue == other.rawValue }

    /// Converts a Linux `st_mode`.
    public init(posixMode mode: UInt32) {
        var bits = mode & 0o777
        switch mode & 0o170000 {
        case 0o060000: bits |= GoFileMode.device.rawValue
        case 0o020000: bits |= GoFileMode.device.rawValue | GoFileMode.characterDevice.rawValue
        case 0o040000: bits |= GoFileMode.directory.rawValue
        case 0o010000: bits |= GoFileMode.namedPipe.rawValue
        case 0o120000: bits |= GoFileMode.symlink.rawValue
        case 0o140000: bits |= GoFileMode.socket.rawValue
        case 0o100000: break
        default: bits |= GoFileMode.irregular.rawValue
        }
        if mode & 0o4000 != 0 { bits |= GoFileMode.setuid.rawValue }
        if mode & 0o2000 != 0 { bits |= GoFileMode.setgid.rawValue }
        if mode & 0o1000 != 0 { bits |= GoFileMode.sticky.rawValue }
        self.init(rawValue: bits)
    }
}
