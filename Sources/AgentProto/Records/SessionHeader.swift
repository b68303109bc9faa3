/// The metadata at the start of a recording (agentproto `SessionHeader`).
public struct SessionHeader: Hashable, Sendable {
    /// The recorder's version (`version`).
    public var version: String
    /// When the session started, Unix nanoseconds (`start_time`).
    public var startTime: Int64
    /// The local user name, or "unknown" (`local_user`).
    public var localUser: String
    /// The recording process's id (`local_pid`).
    public var localPID: Int
    /// Legacy: the SSH address older Go recorders wrote (`ssh_addr`); kept so their files round-trip.
    public var sshAddress: String
    /// Legacy: the SSH user older Go recorders wrote (`ssh_user`).
    public var sshUser: String
    /// The transport: "ssh", "openssh", "local", or the Go values "docker" and "compose" (`backend_type`).
    public var backendType: String
    /// Where the transport connects, such as `host:port` (`backend_addr`).
    public var backendAddress: String
    /// The agent's path on the remote (`agent_path`).
    public var agentPath: String

    /// Creates a header.
    public init(
        version: String = "",
        startTime: Int64 = 0,
        localUser: String = "",
        localPID: Int = 0,
        sshAddress: String = "",
        sshUser: String = "",
        backendType: String = "",
        backendAddress: String = "",
        agentPath: String = ""
    ) {
        self.version = version
        self.startTime = startTime
        self.localUser = localUser
        self.localPID = localPID
        self.sshAddress = sshAddress
        self.sshUser = sshUser
        self.backendType = backendType
        self.backendAddress = backendAddress
        self.agentPath = agentPath
    }
}

// MARK: - CBOR (keys in canonical order: version ssh_addr ssh_user local_pid agent_path local_user
// start_time backend_addr backend_type)

extension SessionHeader: CBORCodable {
    public func encode<Sink: CBORSink>(to sink: inout Sink) {
        var fields = 5
        if !sshAddress.isEmpty { fields += 1 }
        if !sshUser.isEmpty { fields += 1 }
        if !backendAddress.isEmpty { fields += 1 }
        if !backendType.isEmpty { fields += 1 }
        sink.writeMapHeader(count: fields)
        sink.writeText("version")
        sink.writeText(version)
        if !sshAddress.isEmpty {
            sink.writeText("ssh_addr")
            sink.writeText(sshAddress)
        }
        if !sshUser.isEmpty {
            sink.writeText("ssh_user")
            sink.writeText(sshUser)
        }
        sink.writeText("local_pid")
        sink.writeSigned(localPID)
        sink.writeText("agent_path")
        sink.writeText(agentPath)
        sink.writeText("local_user")
        sink.writeText(localUser)
        sink.writeText("start_time")
        sink.writeSigned(startTime)
        if !backendAddress.isEmpty {
            sink.writeText("backend_addr")
            sink.writeText(backendAddress)
        }
        if !backendType.isEmpty {
            sink.writeText("backend_type")
            sink.writeText(backendType)
        }
    }

    public init(from reader: inout CBORReader) throws(FrameDecodingError) {
        self.init()
        guard var map = try reader.beginMap() else { return }
        while let key = try reader.nextKey(in: &map) {
            do throws(FrameDecodingError) {
                switch key {
                case "version": version = try reader.readText()
                case "ssh_addr": sshAddress = try reader.readText()
                case "ssh_user": sshUser = try reader.readText()
                case "local_pid": localPID = try reader.readSigned()
                case "agent_path": agentPath = try reader.readText()
                case "local_user": localUser = try reader.readText()
                case "start_time": startTime = try reader.readSigned()
                case "backend_addr": backendAddress = try reader.readText()
                case "backend_type": backendType = try reader.readText()
                default: try reader.skipItem()
                }
            } catch {
                throw error.inField(key.name)
            }
        }
    }
}
