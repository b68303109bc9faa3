/// The request half of a file-operation RPC (agentproto `FileOpReq`, under key `fop`). Only the
/// fields the operation uses are set; see ``FileOperationCode``.
public struct FileOperationRequest: Hashable, Sendable {
    /// The request id the response echoes (`id`).
    public var id: UInt32
    /// The operation (`op`).
    public var operation: FileOperationCode
    /// The path operated on (`p`); bytes that are not UTF-8 are kept as ``PathBytes`` escapes and
    /// travel as a byte string (`byte-paths`, PROTOCOL.md).
    public var path: String
    /// The second path of Rename, Symlink and Link (`np`).
    public var newPath: String
    /// Open flags in Linux `O_*` numbering (`fl`).
    public var flags: Int32
    /// POSIX permission bits, with 0o4000/0o2000/0o1000 (`mo`).
    public var mode: UInt32
    /// Owner for Chown (`uid`).
    public var uid: UInt32
    /// Group for Chown (`gid`).
    public var gid: UInt32
    /// The open file handle (`h`).
    public var handle: UInt32
    /// Byte offset for ReadAt and WriteAt (`of`).
    public var offset: Int64
    /// Byte count for ReadAt, length for Truncate and Ftruncate (`sz`).
    public var size: Int64
    /// Access time in Unix nanoseconds for Chtimes (`at`).
    public var accessTime: Int64
    /// Modification time in Unix nanoseconds for Chtimes (`mt`).
    public var modificationTime: Int64
    /// Bytes to write for WriteAt (`d`).
    public var data: [UInt8]

    /// Creates a request; fields not given are zero and absent on the wire.
    public init(
        id: UInt32 = 0,
        operation: FileOperationCode,
        path: String = "",
        newPath: String = "",
        flags: Int32 = 0,
        mode: UInt32 = 0,
        uid: UInt32 = 0,
        gid: UInt32 = 0,
        handle: UInt32 = 0,
        offset: Int64 = 0,
        size: Int64 = 0,
        accessTime: Int64 = 0,
        modificationTime: Int64 = 0,
        data: [UInt8] = []
    ) {
        self.id = id
        self.operation = operation
        self.path = path
        self.newPath = newPath
        self.flags = flags
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.handle = handle
        self.offset = offset
        self.size = size
        self.accessTime = accessTime
        self.modificationTime = modificationTime
        self.data = data
    }
}

// MARK: - CBOR (keys in canonical order: d h p at fl id mo mt np of op sz gid uid)

extension FileOperationRequest: CBORCodable {
    public func encode<Sink: CBORSink>(to sink: inout Sink) {
        var count = 2
        if !data.isEmpty { count += 1 }
        if handle != 0 { count += 1 }
        if !path.isEmpty { count += 1 }
        if accessTime != 0 { count += 1 }
        if flags != 0 { count += 1 }
        if mode != 0 { count += 1 }
        if modificationTime != 0 { count += 1 }
        if !newPath.isEmpty { count += 1 }
        if offset != 0 { count += 1 }
        if size != 0 { count += 1 }
        if gid != 0 { count += 1 }
        if uid != 0 { count += 1 }
        sink.writeMapHeader(count: count)
        if !data.isEmpty {
            sink.writeText("d")
            sink.writeBytes(data)
        }
        if handle != 0 {
            sink.writeText("h")
            sink.writeUnsigned(handle)
        }
        if !path.isEmpty {
            sink.writeText("p")
            sink.writePath(path)
        }
        if accessTime != 0 {
            sink.writeText("at")
            sink.writeSigned(accessTime)
        }
        if flags != 0 {
            sink.writeText("fl")
            sink.writeSigned(flags)
        }
        sink.writeText("id")
        sink.writeUnsigned(id)
        if mode != 0 {
            sink.writeText("mo")
            sink.writeUnsigned(mode)
        }
        if modificationTime != 0 {
            sink.writeText("mt")
            sink.writeSigned(modificationTime)
        }
        if !newPath.isEmpty {
            sink.writeText("np")
            sink.writePath(newPath)
        }
        if offset != 0 {
            sink.writeText("of")
            sink.writeSigned(offset)
        }
        sink.writeText("op")
        sink.writeUnsigned(operation.rawValue)
        if size != 0 {
            sink.writeText("sz")
            sink.writeSigned(size)
        }
        if gid != 0 {
            sink.writeText("gid")
            sink.writeUnsigned(gid)
        }
        if uid != 0 {
            sink.writeText("uid")
            sink.writeUnsigned(uid)
        }
    }

    public init(from reader: inout CBORReader) throws(FrameDecodingError) {
        self.init(operation: FileOperationCode(rawValue: 0))
        guard var map = try reader.beginMap() else { return }
        while let key = try reader.nextKey(in: &map) {
            do throws(FrameDecodingError) {
                switch key {
                case "d": data = try reader.readBytes()
                case "h": handle = try reader.readUnsigned()
                case "p": path = try reader.readPath()
                case "at": accessTime = try reader.readSigned()
                case "fl": flags = try reader.readSigned()
                case "id": id = try reader.readUnsigned()
                case "mo": mode = try reader.readUnsigned()
                case "mt": modificationTime = try reader.readSigned()
                case "np": newPath = try reader.readPath()
                case "of": offset = try reader.readSigned()
                case "op": operation = FileOperationCode(rawValue: try reader.readUnsigned())
                case "sz": size = try reader.readSigned()
                case "gid": gid = try reader.readUnsigned()
                case "uid": uid = try reader.readUnsigned()
                default: try reader.skipItem()
                }
            } catch {
                throw error.inField(key.name)
            }
        }
    }
}

extension FileOperationRequest {
    /// `AT_SYMLINK_NOFOLLOW` (Linux 0x100) in `flags`: a Chtimes that sets a symbolic link's own
    /// times (the `chtimes-nofollow` extension; Go's agent ignores `flags` and follows the link).
    public static let symbolicLinkTimesFlag: Int32 = 0x100

    /// Whether this is a Chtimes of a symbolic link itself, not of what it points to.
    public var setsSymbolicLinkTimes: Bool {
        operation == .changeTimes && flags & Self.symbolicLinkTimesFlag != 0
    }
}
