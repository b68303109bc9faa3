/// A frame a command sent or received, with when and which way (agentproto `RecordedFrame`).
public struct RecordedFrame: Hashable, Sendable {
    /// The command's sequence number (`seq`).
    public var sequence: UInt32
    /// When the frame passed, Unix nanoseconds (`ts`).
    public var timestamp: Int64
    /// Which way it went (`dir`).
    public var direction: FrameDirection
    /// The frame itself (`frame`).
    public var frame: Frame

    /// Creates a recorded frame.
    public init(
        sequence: UInt32 = 0,
        timestamp: Int64 = 0,
        direction: FrameDirection = FrameDirection(rawValue: 0),
        frame: Frame = Frame(type: FrameType(rawValue: 0))
    ) {
        self.sequence = sequence
        self.timestamp = timestamp
        self.direction = direction
        self.frame = frame
    }
}

// MARK: - CBOR (keys in canonical order: ts dir seq frame)

extension RecordedFrame: CBORCodable {
    public func encode<Sink: CBORSink>(to sink: inout Sink) {
        sink.writeMapHeader(count: 4)
        sink.writeText("ts")
        sink.writeSigned(timestamp)
        sink.writeText("dir")
        sink.writeUnsigned(direction.rawValue)
        sink.writeText("seq")
        sink.writeUnsigned(sequence)
        sink.writeText("frame")
        sink.write(frame)
    }

    public init(from reader: inout CBORReader) throws(FrameDecodingError) {
        self.init()
        guard var map = try reader.beginMap() else { return }
        while let key = try reader.nextKey(in: &map) {
            do throws(FrameDecodingError) {
                switch key {
                case "ts": timestamp = try reader.readSigned()
                case "dir": direction = FrameDirection(rawValue: try reader.readUnsigned())
                case "seq": sequence = try reader.readUnsigned()
                case "frame": frame = try reader.readOptional(Frame.self) ?? Frame(type: FrameType(rawValue: 0))
                default: try reader.skipItem()
                }
            } catch {
                throw error.inField(key.name)
            }
        }
    }
}
