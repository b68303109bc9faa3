/// One entry of a recording file (agentproto `Record`): a type and exactly one payload.
///
/// Like ``Frame``, it mirrors the wire struct, so a record round-trips byte for byte even when
/// several payloads or none are present.
public struct Record: Hashable, Sendable {
    /// What the record holds (`type`).
    public var type: RecordType
    /// Set for ``RecordType/sessionHeader`` (`header`).
    public var header: SessionHeader?
    /// Set for ``RecordType/commandStart`` (`cmd_start`).
    public var commandStart: CommandStart?
    /// Set for ``RecordType/frame`` (`frame`).
    public var frame: RecordedFrame?
    /// Set for ``RecordType/commandEnd`` (`cmd_end`).
    public var commandEnd: CommandEnd?
    /// Set for ``RecordType/sessionFooter`` (`footer`).
    public var footer: SessionFooter?

    /// Creates a record.
    public init(
        type: RecordType,
        header: SessionHeader? = nil,
        commandStart: CommandStart? = nil,
        frame: RecordedFrame? = nil,
        commandEnd: CommandEnd? = nil,
        footer: SessionFooter? = nil
    ) {
        self.type = type
        self.header = header
        self.commandStart = commandStart
        self.frame = frame
        self.commandEnd = commandEnd
        self.footer = footer
    }

    /// A session header record.
    public static func header(_ header: SessionHeader) -> Record { Record(type: .sessionHeader, header: header) }
    /// A command start record.
    public static func commandStart(_ start: CommandStart) -> Record {
        Record(type: .commandStart, commandStart: start)
    }
    /// A recorded frame record.
    public static func frame(_ frame: RecordedFrame) -> Record { Record(type: .frame, frame: frame) }
    /// A command end record.
    public static func commandEnd(_ end: CommandEnd) -> Record { Record(type: .commandEnd, commandEnd: end) }
    /// A session footer record.
    public static func footer(_ footer: SessionFooter) -> Record { Record(type: .sessionFooter, footer: footer) }
}

// MARK: - CBOR (keys in canonical order: type frame footer header cmd_end cmd_start)

extension Record: CBORCodable {
    public func encode<Sink: CBORSink>(to sink: inout Sink) {
        var fields = 1
        if frame != nil { fields += 1 }
        if footer != nil { fields += 1 }
        if header != nil { fields += 1 }
        if commandEnd != nil { fields += 1 }
        if commandStart != nil { fields += 1 }
        sink.writeMapHeader(count: fields)
        sink.writeText("type")
        sink.writeUnsigned(type.rawValue)
        if let frame {
            sink.writeText("frame")
            sink.write(frame)
        }
        if let footer {
            sink.writeText("footer")
            sink.write(footer)
        }
        if let header {
            sink.writeText("header")
            sink.write(header)
        }
        if let commandEnd {
            sink.writeText("cmd_end")
            sink.write(commandEnd)
        }
        if let commandStart {
            sink.writeText("cmd_start")
            sink.write(commandStart)
        }
    }

    public init(from reader: inout CBORReader) throws(FrameDecodingError) {
        self.init(type: RecordType(rawValue: 0))
        guard var map = try reader.beginMap() else { return }
        while let key = try reader.nextKey(in: &map) {
            do throws(FrameDecodingError) {
                switch key {
                case "type": type = RecordType(rawValue: try reader.readUnsigned())
                case "frame": frame = try reader.readOptional(RecordedFrame.self)
                case "footer": footer = try reader.readOptional(SessionFooter.self)
                case "header": header = try reader.readOptional(SessionHeader.self)
                case "cmd_end": commandEnd = try reader.readOptional(CommandEnd.self)
                case "cmd_start": commandStart = try reader.readOptional(CommandStart.self)
                default: try reader.skipItem()
                }
            } catch {
                throw error.inField(key.name)
            }
        }
    }
}
