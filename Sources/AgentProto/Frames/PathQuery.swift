/// A request to enumerate executables (agentproto `PathQuery`, under key `q`).
public struct PathQuery: Hashable, Sendable {
    /// Directories to search in order (`paths`); empty means the agent's own `$PATH`.
    public var directories: [String]

    /// Creates a query.
    public init(directories: [String] = []) {
        self.directories = directories
    }
}

// MARK: - CBOR

extension PathQuery: CBORCodable {
    public func encode<Sink: CBORSink>(to sink: inout Sink) {
        sink.writeMapHeader(count: directories.isEmpty ? 0 : 1)
        if !directories.isEmpty {
            sink.writeText("paths")
            sink.writeTextArray(directories)
        }
    }

    public init(from reader: inout CBORReader) throws(FrameDecodingError) {
        self.init()
        guard var map = try reader.beginMap() else { return }
        while let key = try reader.nextKey(in: &map) {
            do throws(FrameDecodingError) {
                switch key {
                case "paths": directories = try reader.readTextArray() ?? []
                default: try reader.skipItem()
                }
            } catch {
                throw error.inField(key.name)
            }
        }
    }
}
