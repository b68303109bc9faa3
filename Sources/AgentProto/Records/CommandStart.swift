/// A command begins (agentproto `CommandStart`).
public struct CommandStart: Hashable, Sendable {
    /// The command's sequence number in the recording, from 0 (`seq`).
    public var sequence: UInt32
    /// When it started, Unix nanoseconds (`start_time`).
    public var startTime: Int64
    /// The command as sent to the agent, environment included (`exec`).
    public var exec: ExecRequest

    /// Creates a start record.
    public init(sequence: UInt32 = 0, startTime: Int64 = 0, exec: ExecRequest = ExecRequest()) {
        self.sequence = sequence
        self.startTime = startTime
        self.exec = exec
    }
}

// MARK: - CBOR (keys in canonical order: seq exec start_time)

extension CommandStart: CBORCodable {
    public func encode<Sink: CBORSink>(to sink: inout Sink) {
        sink.writeMapHeader(count: 3)
        sink.writeText("seq")
        sink.writeUnsigned(sequence)
        sink.writeText("exec")
        sink.write(exec)
        sink.writeText("start_time")
        sink.writeSigned(startTime)
    }

    public init(from reader: inout CBORReader) throws(FrameDecodingError) {
        self.init()
        guard var map = try reader.beginMap() else { return }
        while let key = try reader.nextKey(in: &map) {
            do throws(FrameDecodingError) {
                switch key {
                case "seq": sequence = try reader.readUnsigned()
                case "exec": exec = try reader.readOptional(ExecRequest.self) ?? ExecRequest()
                case "start_time": startTime = try reader.readSigned()
                default: try reader.skipItem()
                }
            } catch {
                throw error.inField(key.name)
            }
        }
    }
}
