/// A file's status (agentproto `FileStat`), as Stat, Lstat, Fstat and ReadDir return it.
public struct FileStatus: Hashable, Sendable {
    /// The base name (`n`); a name that is not UTF-8 is kept as ``PathBytes`` escapes (`byte-paths`).
    public var name: String
    /// Size in bytes (`s`).
    public var size: Int64
    /// Mode in Go `os.FileMode` layout, not POSIX `st_mode`: bits as Go defines them (directory 1<<31, symlink 1<<27, permissions in the low 9 bits) (`m`).
    public var mode: UInt32
    /// Modification time, Unix nanoseconds (`t`).
    public var modificationTime: Int64
    /// Access time, Unix nanoseconds (`at`).
    public var accessTime: Int64
    /// Status change time, Unix nanoseconds (`ct`).
    public var changeTime: Int64
    /// Owner (`uid`).
    public var uid: UInt32
    /// Group (`gid`).
    public var gid: UInt32
    /// Number of hard links (`nl`).
    public var linkCount: UInt32
    /// Device number of a device file (`rd`).
    public var deviceNumber: UInt32
    /// 512-byte blocks allocated (`bl`).
    public var blocks: UInt64
    /// Preferred I/O block size (`bs`).
    public var blockSize: UInt32
    /// Inode number (`ino`).
    public var inode: UInt64
    /// Whether it is a directory (`d`).
    public var isDirectory: Bool

    /// Creates a status; fields not given are zero and absent on the wire (name, size and mode are always written).
    public init(
        name: String = "",
        size: Int64 = 0,
        mode: UInt32 = 0,
        modificationTime: Int64 = 0,
        accessTime: Int64 = 0,
        changeTime: Int64 = 0,
        uid: UInt32 = 0,
        gid: UInt32 = 0,
        linkCount: UInt32 = 0,
        deviceNumber: UInt32 = 0,
        blocks: UInt64 = 0,
        blockSize: UInt32 = 0,
        inode: UInt64 = 0,
        isDirectory: Bool = false
    ) {
        self.name = name
        self.size = size
        self.mode = mode
        self.modificationTime = modificationTime
        self.accessTime = accessTime
        self.changeTime = changeTime
        self.uid = uid
        self.gid = gid
        self.linkCount = linkCount
        self.deviceNumber = deviceNumber
        self.blocks = blocks
        self.blockSize = blockSize
        self.inode = inode
        self.isDirectory = isDirectory
    }
}

// MARK: - CBOR (keys in canonical order: d m n s t at bl bs ct nl rd gid ino uid)

extension FileStatus: CBORCodable {
    public func encode<Sink: CBORSink>(to sink: inout Sink) {
        var fields = 3
        if isDirectory { fields += 1 }
        if modificationTime != 0 { fields += 1 }
        if accessTime != 0 { fields += 1 }
        if blocks != 0 { fields += 1 }
        if blockSize != 0 { fields += 1 }
        if changeTime != 0 { fields += 1 }
        if linkCount != 0 { fields += 1 }
        if deviceNumber != 0 { fields += 1 }
        if gid != 0 { fields += 1 }
        if inode != 0 { fields += 1 }
        if uid != 0 { fields += 1 }
        sink.writeMapHeader(count: fields)
        if isDirectory {
            sink.writeText("d")
            sink.writeBool(true)
        }
        sink.writeText("m")
        sink.writeUnsigned(mode)
        sink.writeText("n")
        sink.writePath(name)
        sink.writeText("s")
        sink.writeSigned(size)
        if modificationTime != 0 {
            sink.writeText("t")
            sink.writeSigned(modificationTime)
        }
        if accessTime != 0 {
            sink.writeText("at")
            sink.writeSigned(accessTime)
        }
        if blocks != 0 {
            sink.writeText("bl")
            sink.writeUnsigned(blocks)
        }
        if blockSize != 0 {
            sink.writeText("bs")
            sink.writeUnsigned(blockSize)
        }
        if changeTime != 0 {
            sink.writeText("ct")
            sink.writeSigned(changeTime)
        }
        if linkCount != 0 {
            sink.writeText("nl")
            sink.writeUnsigned(linkCount)
        }
        if deviceNumber != 0 {
            sink.writeText("rd")
            sink.writeUnsigned(deviceNumber)
        }
        if gid != 0 {
            sink.writeText("gid")
            sink.writeUnsigned(gid)
        }
        if inode != 0 {
            sink.writeText("ino")
            sink.writeUnsigned(inode)
        }
        if uid != 0 {
            sink.writeText("uid")
            sink.writeUnsigned(uid)
        }
    }

    public init(from reader: inout CBORReader) throws(FrameDecodingError) {
        self.init()
        guard var map = try reader.beginMap() else { return }
        while let key = try reader.nextKey(in: &map) {
            do throws(FrameDecodingError) {
                switch key {
                case "d": isDirectory = try reader.readBool()
                case "m": mode = try reader.readUnsigned()
                case "n": name = try reader.readPath()
                case "s": size = try reader.readSigned()
                case "t": modificationTime = try reader.readSigned()
                case "at": accessTime = try reader.readSigned()
                case "bl": blocks = try reader.readUnsigned()
                case "bs": blockSize = try reader.readUnsigned()
                case "ct": changeTime = try reader.readSigned()
                case "nl": linkCount = try reader.readUnsigned()
                case "rd": deviceNumber = try reader.readUnsigned()
                case "gid": gid = try reader.readUnsigned()
                case "ino": inode = try reader.readUnsigned()
                case "uid": uid = try reader.readUnsigned()
                default: try reader.skipItem()
                }
            } catch {
                throw error.inField(key.name)
            }
        }
    }
}
