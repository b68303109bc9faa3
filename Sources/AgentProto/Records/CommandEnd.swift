/// A command ends (agentproto `CommandEnd`).
public struct CommandEnd: Hashable, Sendable {
    /// The command's sequence number (`seq`).
    public var sequence: UInt32
    /// When it ended, Unix nanoseconds (`end_time`).
    public var endTime: Int64
    /// Its exit code, or −1 when the stream ended without an Exit frame (`exit_code`).
    public var exitCode: Int

    /// Creates an end record.
    public init(sequence: UInt32 = 0, endTime: Int64 = 0, exitCode: Int = 0) {
        self.sequence = sequence
        self.endTime = endTime
        self.exitCode = exitCode
    }
}

// MARK: - CBOR (keys in canonical order: seq end_time exit_code)

extension CommandEnd: CBORCodable {
    public func encode<Sink: CBORSink>(to sink: inout Sink) {
        sink.writeMapHeader(count: 3)
        sink.writeText("seq")
        sink.writeUnsigned(sequence)
        sink.writeText("end_time")
        sink.writeSigned(endTime)
        sink.writeText("exit_code")
        sink.writeSigned(exitCode)
    }

    public init(from reader: inout CBORReader) throws(FrameDecodingError) {
        self.init()
        guard var map = try reader.beginMap() else { return }
        while let key = try reader.nextKey(in: &map) {
            do throws(FrameDecodingError) {
                switch key {
                case "seq": sequence = try reader.readUnsigned()
                case "end_time": endTime = try reader.readSigned()
                case "exit_code": exitCode = try reader.readSigned()
                default: try reader.skipItem()
                }
            } catch {
                throw error.inField(key.name)
            }
        }
    }
}
