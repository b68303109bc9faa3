/// The agent's PATH enumeration (agentproto `PathInfo`, under key `i`): deduplicated by name, first
/// found wins, in the order of the directories searched.
public struct PathInfo: Hashable, Sendable {
    /// The executables found (`entries`); written as `null` when `nil`.
    public var entries: [PathInfoEntry]?

    /// Creates a result.
    public init(entries: [PathInfoEntry]? = nil) {
        self.entries = entries
    }
}

// MARK: - CBOR

extension PathInfo: CBORCodable {
    public func encode<Sink: CBORSink>(to sink: inout Sink) {
        sink.writeMapHeader(count: 1)
        sink.writeText("entries")
        sink.writeArray(entries)
    }

    public init(from reader: inout CBORReader) throws(FrameDecodingError) {
        self.init()
        guard var map = try reader.beginMap() else { return }
        while let key = try reader.nextKey(in: &map) {
            do throws(FrameDecodingError) {
                switch key {
                case "entries": entries = try reader.readArray(of: PathInfoEntry.self)
                default: try reader.skipItem()
                }
            } catch {
                throw error.inField(key.name)
            }
        }
    }
}
