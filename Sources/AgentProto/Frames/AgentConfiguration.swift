/// The agent's runtime configuration (agentproto `AgentConfig`, under key `cfg`), sent in a Config
/// frame before anything else. Patterns are globs, or regular expressions between slashes (`/re/`).
public struct AgentConfiguration: Hashable, Sendable {
    /// Environment variables to keep (`env_keep`); written as `null` when `nil`.
    public var environmentKeep: [String]?
    /// Environment variables to remove (`env_remove`); written as `null` when `nil`.
    public var environmentRemove: [String]?
    /// Extensions the client asks the agent to use (`ext`, a negotiated extension; omitted when
    /// empty, and ignored by the Go agent as an unknown key). See PROTOCOL.md.
    public var extensions: [String]
    /// The workspace root the agent confines file operations to (`root`, a negotiated extension sent
    /// with `ext` containing `root`; omitted when empty). See PROTOCOL.md.
    public var workspaceRoot: String

    /// Creates a configuration.
    public init(
        environmentKeep: [String]? = nil, environmentRemove: [String]? = nil, extensions: [String] = [],
        workspaceRoot: String = ""
    ) {
        self.environmentKeep = environmentKeep
        self.environmentRemove = environmentRemove
        self.extensions = extensions
        self.workspaceRoot = workspaceRoot
    }
}

// MARK: - CBOR (keys in canonical order: ext root env_keep env_remove)

extension AgentConfiguration: CBORCodable {
    public func encode<Sink: CBORSink>(to sink: inout Sink) {
        sink.writeMapHeader(count: 2 + (extensions.isEmpty ? 0 : 1) + (workspaceRoot.isEmpty ? 0 : 1))
        if !extensions.isEmpty {
            sink.writeText("ext")
            sink.writeTextArray(extensions)
        }
        if !workspaceRoot.isEmpty {
            sink.writeText("root")
            sink.writeText(workspaceRoot)
        }
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
                case "ext": extensions = try reader.readTextArray() ?? []
                case "root": workspaceRoot = try reader.readText()
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
