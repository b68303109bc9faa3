/// A log record the agent forwards (agentproto `LogEntry`, under key `l`).
public struct LogRecord: Hashable, Sendable {
    /// The slog level: TRACE −8, DEBUG −4, INFO 0, WARN 4, ERROR 8 (`lvl`).
    public var level: Int
    /// The message (`msg`).
    public var message: String
    /// `key=value` attributes (`a`).
    public var attributes: [String]

    /// Creates a record.
    public init(level: Int = 0, message: String = "", attributes: [String] = []) {
        self.level = level
        self.message = message
        self.attributes = attributes
    }
}

// MARK: - CBOR (keys in canonical order: a lvl msg)

extension LogRecord: CBORCodable {
    public func encode<Sink: CBORSink>(to sink: inout Sink) {
        sink.writeMapHeader(count: attributes.isEmpty ? 2 : 3)
        if !attributes.isEmpty {
            sink.writeText("a")
            sink.writeTextArray(attributes)
        }
        sink.writeText("lvl")
        sink.writeSigned(level)
        sink.writeText("msg")
        sink.writeText(message)
    }

    public init(from reader: inout CBORReader) throws(FrameDecodingError) {
        self.init()
        guard var map = try reader.beginMap() else { return }
        while let key = try reader.nextKey(in: &map) {
            do throws(FrameDecodingError) {
                switch key {
                case "a": attributes = try reader.readTextArray() ?? []
                case "lvl": level = try reader.readSigned()
                case "msg": message = try reader.readText()
                default: try reader.skipItem()
                }
            } catch {
                throw error.inField(key.name)
            }
        }
    }
}
