/// The agent's runtime configuration (agentproto `AgentConfig`, under key `cfg`), sent in a Config
/// frame before anything else. Patterns are globs, or regular expressions between slashes (`/re/`).
public struct AgentConfiguration: Hashable, Sendable {
    /// Environment variables to keep (`env_keep`); written as `null` when `nil`.
    public var environmentKeep: [String]?
    /// Environment variables to remove (`env_remove`); written as `null` when `nil`.
    public var environmentRemove: [String]?

    /// Creates a configuration.
    public init(environmentKeep: [String]? = nil, environmentRemove: [String]? = nil) {
        self.environmentKeep = environmentKeep
        self.environmentRemove = environmentRemove
    }
}

// MARK: - CBOR (keys in canonical order: env_keep env_remove)

extension AgentConfiguration: CBORCodable {
    public func encode<Sink: CBORSink>(to sink: inout Sink) {
        sink.writeMapHeader(count: 2)
        sink.writeText("env_keep")
        sink.writeTextArray(environmentKeep)
        sink.writeText("env_remove")
        sink.writeTextArray(environmentRemove)
    }

    public init(from reader: inout CBORReader) throws(FrameDecodingError) {
        self.init()
        guard var map = try reader.beginMap() else { return }
        while let key = try reader.nextKey(in: &map) {
            do throws(FrameDecodingError) {
                switch key {
                case "env_keep": environmentKeep = try reader.readTextArray()
                case "env_remove": environmentRemove = try reader.readTextArray()
                default: try reader.skipItem()
                }
            } catch {
                throw error.inField(key.name)
            }
        }
    }
}
