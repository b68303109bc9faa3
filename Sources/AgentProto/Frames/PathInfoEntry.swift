/// One executable found on PATH (agentproto `PathInfoEntry`).
public struct PathInfoEntry: Hashable, Sendable {
    /// The file name (`name`).
    public var name: String
    /// The directory joined with the name, not symlink-resolved (`path`).
    public var path: String
    /// Permission bits only, at most 0o777 (`mode`).
    public var mode: UInt32
    /// Size in bytes (`size`).
    public var size: Int64
    /// Modification time in Unix nanoseconds (`mtime`).
    public var modificationTime: Int64

    /// Creates an entry.
    public init(name: String = "", path: String = "", mode: UInt32 = 0, size: Int64 = 0, modificationTime: Int64 = 0) {
        self.name = name
        self.path = path
        self.mode = mode
        self.size = size
        self.modificationTime = modificationTime
    }
}

// MARK: - CBOR (keys in canonical order: mode name path size mtime)

extension PathInfoEntry: CBORCodable {
    public func encode<Sink: CBORSink>(to sink: inout Sink) {
        sink.writeMapHeader(count: modificationTime == 0 ? 4 : 5)
        sink.writeText("mode")
        sink.writeUnsigned(mode)
        sink.writeText("name")
        sink.writeText(name)
        sink.writeText("path")
        sink.writeText(path)
        sink.writeText("size")
        sink.writeSigned(size)
        if modificationTime != 0 {
            sink.writeText("mtime")
            sink.writeSigned(modificationTime)
        }
    }

    public init(from reader: inout CBORReader) throws(FrameDecodingError) {
        self.init()
        guard var map = try reader.beginMap() else { return }
        while let key = try reader.nextKey(in: &map) {
            do throws(FrameDecodingError) {
                switch key {
                case "mode": mode = try reader.readUnsigned()
                case "name": name = try reader.readText()
                case "path": path = try reader.readText()
                case "size": size = try reader.readSigned()
                case "mtime": modificationTime = try reader.readSigned()
                default: try reader.skipItem()
                }
            } catch {
                throw error.inField(key.name)
            }
        }
    }
}
