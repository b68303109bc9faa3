/// The response half of a file-operation RPC (agentproto `FileOpResp`, under key `frp`).
///
/// A response is an error when `errno` is non-zero or `errorMessage` is not empty.
public struct FileOperationResponse: Hashable, Sendable {
    /// The id of the request answered (`id`).
    public var id: UInt32
    /// A Linux errno, 0 on success (`er`).
    public var errno: UInt32
    /// The error's text (`em`).
    public var errorMessage: String
    /// A new handle from Open, Create or OpenFile (`h`).
    public var handle: UInt32
    /// Bytes read by ReadAt (`d`).
    public var data: [UInt8]
    /// Bytes read or written (`n`).
    public var count: Int64
    /// ReadAt stopped at end of file before filling the request (`eof`).
    public var isEndOfFile: Bool
    /// The path Getwd or Readlink returns (`p`).
    public var path: String
    /// The status Stat, Lstat or Fstat returns (`st`).
    public var status: FileStatus?
    /// The statistics Statfs returns (`sf`).
    public var fileSystemStatus: FileSystemStatus?
    /// The entries ReadDir returns (`en`).
    public var entries: [DirectoryEntry]

    /// Creates a response; fields not given are zero and absent on the wire.
    public init(
        id: UInt32 = 0,
        errno: UInt32 = 0,
        errorMessage: String = "",
        handle: UInt32 = 0,
        data: [UInt8] = [],
        count: Int64 = 0,
        isEndOfFile: Bool = false,
        path: String = "",
        status: FileStatus? = nil,
        fileSystemStatus: FileSystemStatus? = nil,
        entries: [DirectoryEntry] = []
    ) {
        self.id = id
        self.errno = errno
        self.errorMessage = errorMessage
        self.handle = handle
        self.data = data
        self.count = count
        self.isEndOfFile = isEndOfFile
        self.path = path
        self.status = status
        self.fileSystemStatus = fileSystemStatus
        self.entries = entries
    }

    /// Whether the response reports a failure.
    public var isError: Bool { errno != 0 || !errorMessage.isEmpty }
}

// MARK: - CBOR (keys in canonical order: d h n p em en er id sf st eof)

extension FileOperationResponse: CBORCodable {
    public func encode<Sink: CBORSink>(to sink: inout Sink) {
        var fields = 1
        if !data.isEmpty { fields += 1 }
        if handle != 0 { fields += 1 }
        if count != 0 { fields += 1 }
        if !path.isEmpty { fields += 1 }
        if !errorMessage.isEmpty { fields += 1 }
        if !entries.isEmpty { fields += 1 }
        if errno != 0 { fields += 1 }
        if fileSystemStatus != nil { fields += 1 }
        if status != nil { fields += 1 }
        if isEndOfFile { fields += 1 }
        sink.writeMapHeader(count: fields)
        if !data.isEmpty {
            sink.writeText("d")
            sink.writeBytes(data)
        }
        if handle != 0 {
            sink.writeText("h")
            sink.writeUnsigned(handle)
        }
        if count != 0 {
            sink.writeText("n")
            sink.writeSigned(count)
        }
        if !path.isEmpty {
            sink.writeText("p")
            sink.writePath(path)
        }
        if !errorMessage.isEmpty {
            sink.writeText("em")
            sink.writeText(errorMessage)
        }
        if !entries.isEmpty {
            sink.writeText("en")
            sink.writeArray(entries)
        }
        if errno != 0 {
            sink.writeText("er")
            sink.writeUnsigned(errno)
        }
        sink.writeText("id")
        sink.writeUnsigned(id)
        if let fileSystemStatus {
            sink.writeText("sf")
            sink.write(fileSystemStatus)
        }
        if let status {
            sink.writeText("st")
            sink.write(status)
        }
        if isEndOfFile {
            sink.writeText("eof")
            sink.writeBool(true)
        }
    }

    public init(from reader: inout CBORReader) throws(FrameDecodingError) {
        self.init()
        guard var map = try reader.beginMap() else { return }
        while let key = try reader.nextKey(in: &map) {
            do throws(FrameDecodingError) {
                switch key {
                case "d": data = try reader.readBytes()
                case "h": handle = try reader.readUnsigned()
                case "n": count = try reader.readSigned()
                case "p": path = try reader.readPath()
                case "em": errorMessage = try reader.readText()
                case "en": entries = try reader.readArray(of: DirectoryEntry.self) ?? []
                case "er": errno = try reader.readUnsigned()
                case "id": id = try reader.readUnsigned()
                case "sf": fileSystemStatus = try reader.readOptional(FileSystemStatus.self)
                case "st": status = try reader.readOptional(FileStatus.self)
                case "eof": isEndOfFile = try reader.readBool()
                default: try reader.skipItem()
                }
            } catch {
                throw error.inField(key.name)
            }
        }
    }
}
