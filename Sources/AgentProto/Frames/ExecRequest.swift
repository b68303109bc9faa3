/// The command an Exec frame starts (agentproto `ExecMsg`, under key `x`).
public struct ExecRequest: Hashable, Sendable {
    /// The program to run: an absolute path, or a name looked up on PATH (`path`).
    public var path: String
    /// The argument vector, `argv[0]` included (`argv`); `nil` is written as `null`.
    public var arguments: [String]?
    /// The environment as `KEY=VALUE` strings (`env`); `nil` means "inherit the agent's".
    public var environment: [String]?
    /// The working directory (`cwd`); empty means the agent's.
    public var workingDirectory: String
    /// Extra file descriptor numbers (3 and up) to recreate in the child (`fds`).
    public var extraFileDescriptors: [UInt32]

    /// Creates a request.
    public init(
        path: String = "",
        arguments: [String]? = nil,
        environment: [String]? = nil,
        workingDirectory: String = "",
        extraFileDescriptors: [UInt32] = []
    ) {
        self.path = path
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.extraFileDescriptors = extraFileDescriptors
    }
}

// MARK: - CBOR (keys in canonical order: cwd env fds argv path)

extension ExecRequest: CBORCodable {
    public func encode<Sink: CBORSink>(to sink: inout Sink) {
        sink.writeMapHeader(count: extraFileDescriptors.isEmpty ? 4 : 5)
        // Words that are not UTF-8 travel as byte strings (`byte-paths`, PROTOCOL.md); everything
        // else is the text strings a Go agent expects, byte for byte.
        sink.writeText("cwd")
        sink.writePath(workingDirectory)
        sink.writeText("env")
        sink.writePathArray(environment)
        if !extraFileDescriptors.isEmpty {
            sink.writeText("fds")
            sink.writeArrayHeader(count: extraFileDescriptors.count)
            for descriptor in extraFileDescriptors { sink.writeUnsigned(descriptor) }
        }
        sink.writeText("argv")
        sink.writePathArray(arguments)
        sink.writeText("path")
        sink.writePath(path)
    }

    public init(from reader: inout CBORReader) throws(FrameDecodingError) {
        self.init()
        guard var map = try reader.beginMap() else { return }
        while let key = try reader.nextKey(in: &map) {
            do throws(FrameDecodingError) {
                switch key {
                case "cwd": workingDirectory = try reader.readPath()
                case "env": environment = try reader.readPathArray()
                case "fds":
                    extraFileDescriptors =
                        try reader.readArray { (r: inout CBORReader) throws(FrameDecodingError) -> UInt32 in
                            try r.readUnsigned()
                        } ?? []
                case "argv": arguments = try reader.readPathArray()
                case "path": path = try reader.readPath()
                default: try reader.skipItem()
                }
            } catch {
                throw error.inField(key.name)
            }
        }
    }
}
