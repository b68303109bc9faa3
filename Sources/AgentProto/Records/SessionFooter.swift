/// The summary at the end of a recording written to completion (agentproto `SessionFooter`).
public struct SessionFooter: Hashable, Sendable {
    /// When the session ended, Unix nanoseconds (`end_time`).
    public var endTime: Int64
    /// How many CommandStart records the file holds (`command_count`).
    public var commandCount: UInt32

    /// Creates a footer.
    public init(endTime: Int64 = 0, commandCount: UInt32 = 0) {
        self.endTime = endTime
        self.commandCount = commandCount
    }
}

// MARK: - CBOR (keys in canonical order: end_time command_count)

extension SessionFooter: CBORCodable {
    public func encode<Sink: CBORSink>(to sink: inout Sink) {
        sink.writeMapHeader(count: 2)
        sink.writeText("end_time")
        sink.writeSigned(endTime)
        sink.writeText("command_count")
        sink.writeUnsigned(commandCount)
    }

    public init(from reader: inout CBORReader) throws(FrameDecodingError) {
        self.init()
        guard var map = try reader.beginMap() else { return }
        while let key = try reader.nextKey(in: &map) {
            do throws(FrameDecodingError) {
                switch key {
                case "end_time": endTime = try reader.readSigned()
                case "command_count": commandCount = try reader.readUnsigned()
                default: try reader.skipItem()
                }
            } catch {
                throw error.inField(key.name)
            }
        }
    }
}
