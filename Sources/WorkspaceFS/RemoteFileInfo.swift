public import AgentProto

/// What the agent knows about one file: its Stat, Lstat, Fstat or ReadDir entry.
public struct RemoteFileInfo: Hashable, Sendable {
    /// The status as it came off the wire.
    public var status: FileStatus

    /// Wraps a status from the wire.
    public init(status: FileStatus) { self.status = status }

    /// The base name.
    public var name: String { status.name }
    /// Size in bytes.
    public var size: Int64 { status.size }
    /// The mode in Go `os.FileMode` layout.
    public var mode: GoFileMode { GoFileMode(rawValue: status.mode) }
    /// POSIX permission bits including set-uid, set-gid and sticky (0o7777).
    public var permissions: UInt32 {
        var bits = mode.permissions
        if mode.contains(.setuid) { bits |= 0o4000 }
        if mode.contains(.setgid) { bits |= 0o2000 }
        if mode.contains(.sticky) { bits |= 0o1000 }
        return bits
    }
    /// The file's kind.
    public var type: RemoteFileType {
        let mode = self.mode
        if mode.contains(.directory) { return .directory }
        if mode.contains(.symlink) { return .symbolicLink }
        if mode.contains(.namedPipe) { return .namedPipe }
        if mode.contains(.socket) { return .socket }
        if mode.contains(.device) { return mode.contains(.characterDevice) ? .characterDevice : .blockDevice }
        if mode.contains(.irregular) { return .unknown }
        return .regular
    }
    /// Whether it is a directory.
    public var isDirectory: Bool { type == .directory }
    /// Whether it is a symbolic link.
    public var isSymbolicLink: Bool { type == .symbolicLink }
    /// Whether it is a regular file.
    public var isRegularFile: Bool { type == .regular }
    /// Modification time, Unix nanoseconds.
    public var modificationTime: Int64 { status.modificationTime }
    /// Access time, Unix nanoseconds (the modification time when the agent sends none).
    public var accessTime: Int64 { status.accessTime != 0 ? status.accessTime : status.modificationTime }
    /// Status change time, Unix nanoseconds (the modification time when the agent sends none).
    public var changeTime: Int64 { status.changeTime != 0 ? status.changeTime : status.modificationTime }
    /// Owner id.
    public var uid: UInt32 { status.uid }
    /// Group id.
    public var gid: UInt32 { status.gid }
    /// Hard links (1 when the agent sends none).
    public var linkCount: UInt32 { max(status.linkCount, 1) }
    /// 512-byte blocks allocated.
    public var blocks: UInt64 { status.blocks }
    /// Inode number.
    public var inode: UInt64 { status.inode }

    /// The `ls -l` mode column, e.g. `drwxr-xr-x` or `-rwsr-x--T`.
    public var modeDescription: String {
        var text = String(type.listingCharacter)
        let bits = permissions
        let letters: [Character] = ["r", "w", "x"]
        for shift in stride(from: 6, through: 0, by: -3) {
            for (index, letter) in letters.enumerated() {
                let isSet = bits >> (shift + 2 - index) & 1 == 1
                var character: Character = isSet ? letter : "-"
                if index == 2 {
                    let special: (flag: UInt32, set: Character, unset: Character)? =
                        switch shift {
                        case 6: (0o4000, "s", "S")
                        case 3: (0o2000, "s", "S")
                        default: (0o1000, "t", "T")
                        }
                    if let special, bits & special.flag != 0 { character = isSet ? special.set : special.unset }
                }
                text.append(character)
            }
        }
        return text
    }
}
