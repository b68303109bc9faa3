/// One entry of a ReadDir response (agentproto `FileDirEntry`).
public struct DirectoryEntry: Hashable, Sendable {
    /// The entry's lstat-style status; its `name` is the entry's name (`st`).
    public var status: FileStatus

    /// Creates an entry.
    public init(status: FileStatus = FileStatus()) {
        self.status = status
    }
}

// MARK: - CBOR

extension DirectoryEntry: CBORCodable {
    public func encode<Sink: CBORSink>(to sink: inout Sink) {
        sink.writeMapHeader(count: 1)
        sink.writeText("st")
        sink.write(status)
    }

    public init(from reader: inout CBORReader) throws(FrameDecodingError) {
        self.init()
        guard var map = try reader.beginMap() else { return }
        while let key = try reader.nextKey(in: &map) {
            do throws(FrameDecodingError) {
                switch key {
                case "st": status = try reader.readOptional(FileStatus.self) ?? FileStatus()
                default: try reader.skipItem()
                }
            } catch {
                throw error.inField(key.name)
            }
        }
    }
}
