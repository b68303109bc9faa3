/// The Swift agent's hello (extension frame type 100, under key `hi`): who it is and what it can do.
/// Sent first, and only when the client's Config asked for the `hello` extension (PROTOCOL.md).
public struct AgentHello: Hashable, Sendable {
    /// The agent's version (`v`), e.g. "mproxy-agent 0.1.0".
    public var version: String
    /// Capability names (`cap`), e.g. "signal-after-eof", "concurrent-file-ops".
    public var capabilities: [String]

    /// Creates a hello.
    public init(version: String = "", capabilities: [String] = []) {
        self.version = version
        self.capabilities = capabilities
    }
}

// MARK: - CBOR (keys in canonical order: v cap)

extension AgentHello: CBORCodable {
    public func encode<Sink: CBORSink>(to sink: inout Sink) {
        sink.writeMapHeader(count: 2)
        sink.writeText("v")
        sink.writeText(version)
        sink.writeText("cap")
        sink.writeTextArray(capabilities)
    }

    public init(from reader: inout CBORReader) throws(FrameDecodingError) {
        self.init()
        guard var map = try reader.beginMap() else { return }
        while let key = try reader.nextKey(in: &map) {
            do throws(FrameDecodingError) {
                switch key {
                case "v": version = try reader.readText()
                case "cap": capabilities = try reader.readTextArray() ?? []
                default: try reader.skipItem()
                }
            } catch {
                throw error.inField(key.name)
            }
        }
    }
}
