/// One message on the agentproto mux (agentproto v1.3.4 `Frame`).
///
/// Mirrors the wire struct field for field: every field may be set on any frame, and a zero field
/// is omitted on the wire, so a frame decodes and re-encodes byte for byte whatever its type. The
/// static constructors build the usual shapes.
///
/// The structured payloads (exec, log, configuration, PATH query and info, file-op request and
/// response, hello) live out of line in one copy-on-write box: a frame carries at most one of them,
/// and a frame is copied several times between the decoder and its handler, so keeping them inline
/// (560 bytes, a dozen reference counts) made copying a frame the largest cost of a small round trip.
public struct Frame: Sendable {
    /// What the frame carries (`t`, always present).
    public var type: FrameType
    /// The stream: 0 stdin, 1 stdout, 2 stderr, 3 and up the extra file descriptor of that number (`s`).
    public var stream: UInt32
    /// Payload of a Data frame (`d`).
    public var data: [UInt8]
    /// Signal number, Linux numbering (`sig`).
    public var signal: Int
    /// Exit code (`c`).
    public var code: Int
    /// Error text (`e`): on Exit, why the command could not start.
    public var error: String
    /// The structured payloads; nil exactly when the frame has none (`==` relies on it).
    var box: PayloadBox?

    /// Creates a frame; every field not given is zero and so absent on the wire.
    public init(
        type: FrameType,
        stream: UInt32 = 0,
        data: [UInt8] = [],
        signal: Int = 0,
        code: Int = 0,
        error: String = "",
        exec: ExecRequest? = nil,
        log: LogRecord? = nil,
        configuration: AgentConfiguration? = nil,
        pathQuery: PathQuery? = nil,
        pathInfo: PathInfo? = nil,
        fileOperation: FileOperationRequest? = nil,
        fileOperationResponse: FileOperationResponse? = nil,
        hello: AgentHello? = nil
    ) {
        let payloads = Payloads(
            exec: exec, log: log, configuration: configuration, pathQuery: pathQuery, pathInfo: pathInfo,
            fileOperation: fileOperation, fileOperationResponse: fileOperationResponse, hello: hello)
        self.init(
            type: type, stream: stream, data: data, signal: signal, code: code, error: error,
            payloads: payloads.isEmpty ? nil : payloads)
    }

    /// Creates a frame with `payloads` boxed (none when nil).
    init(
        type: FrameType, stream: UInt32 = 0, data: [UInt8] = [], signal: Int = 0, code: Int = 0, error: String = "",
        payloads: Payloads?
    ) {
        self.type = type
        self.stream = stream
        self.data = data
        self.signal = signal
        self.code = code
        self.error = error
        box = payloads.map(PayloadBox.init)
    }

    /// The command to start (`x`).
    public var exec: ExecRequest? {
        get { box?.payloads.exec }
        set { setPayload(\.exec, to: newValue) }
    }

    /// A log record from the agent (`l`).
    public var log: LogRecord? {
        get { box?.payloads.log }
        set { setPayload(\.log, to: newValue) }
    }

    /// The agent's configuration (`cfg`).
    public var configuration: AgentConfiguration? {
        get { box?.payloads.configuration }
        set { setPayload(\.configuration, to: newValue) }
    }

    /// A PATH enumeration request (`q`).
    public var pathQuery: PathQuery? {
        get { box?.payloads.pathQuery }
        set { setPayload(\.pathQuery, to: newValue) }
    }

    /// A PATH enumeration result (`i`).
    public var pathInfo: PathInfo? {
        get { box?.payloads.pathInfo }
        set { setPayload(\.pathInfo, to: newValue) }
    }

    /// A file-operation request (`fop`).
    public var fileOperation: FileOperationRequest? {
        get { box?.payloads.fileOperation }
        set { setPayload(\.fileOperation, to: newValue) }
    }

    /// A file-operation response (`frp`).
    public var fileOperationResponse: FileOperationResponse? {
        get { box?.payloads.fileOperationResponse }
        set { setPayload(\.fileOperationResponse, to: newValue) }
    }

    /// The agent's hello, a negotiated extension (`hi`, only on ``FrameType/hello`` frames; see PROTOCOL.md).
    public var hello: AgentHello? {
        get { box?.payloads.hello }
        set { setPayload(\.hello, to: newValue) }
    }

    /// Sets one payload, copying the box first when another frame shares it; a frame whose last
    /// payload is cleared drops the box.
    private mutating func setPayload<Payload>(_ field: WritableKeyPath<Payloads, Payload?>, to value: Payload?) {
        if box == nil {
            if value == nil { return }
            box = PayloadBox(Payloads())
        } else if !isKnownUniquelyReferenced(&box!) {
            box = PayloadBox(box!.payloads)
        }
        box!.payloads[keyPath: field] = value
        if value == nil && box!.payloads.isEmpty { box = nil }
    }
}

extension Frame: Hashable {
    public static func == (lhs: Frame, rhs: Frame) -> Bool {
        guard lhs.type == rhs.type, lhs.stream == rhs.stream, lhs.data == rhs.data, lhs.signal == rhs.signal,
            lhs.code == rhs.code, lhs.error == rhs.error
        else { return false }
        return lhs.box === rhs.box || lhs.box?.payloads == rhs.box?.payloads
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(type)
        hasher.combine(stream)
        hasher.combine(data)
        hasher.combine(signal)
        hasher.combine(code)
        hasher.combine(error)
        hasher.combine(box?.payloads)
    }
}

extension Frame {
    /// The structured payloads of a ``Frame``: at most one is set on any frame the protocol sends.
    struct Payloads: Hashable, Sendable {
        var exec: ExecRequest?
        var log: LogRecord?
        var configuration: AgentConfiguration?
        var pathQuery: PathQuery?
        var pathInfo: PathInfo?
        var fileOperation: FileOperationRequest?
        var fileOperationResponse: FileOperationResponse?
        var hello: AgentHello?

        /// True when no payload is set. Matched case by case: comparing with nil made a copy of each
        /// payload first.
        var isEmpty: Bool {
            if case .some = exec { return false }
            if case .some = log { return false }
            if case .some = configuration { return false }
            if case .some = pathQuery { return false }
            if case .some = pathInfo { return false }
            if case .some = fileOperation { return false }
            if case .some = fileOperationResponse { return false }
            if case .some = hello { return false }
            return true
        }
    }

    /// Holds a ``Payloads`` out of line.
    ///
    /// Mutable, yet shared between frames only while nobody writes: a frame setting a payload
    /// copies it unless the frame holds the only reference, the way the standard library's
    /// collections keep value semantics. That is what makes it safe to send.
    final class PayloadBox: @unchecked Sendable {
        var payloads: Payloads

        init(_ payloads: Payloads) {
            self.payloads = payloads
        }
    }
}

// MARK: - Constructors for the usual shapes

extension Frame {
    /// Start a command.
    public static func exec(_ request: ExecRequest) -> Frame {
        Frame(type: .exec, payloads: Payloads(exec: request))
    }

    /// Bytes for a stream.
    public static func data(stream: UInt32, _ bytes: [UInt8]) -> Frame {
        Frame(type: .data, stream: stream, data: bytes)
    }

    /// Close a stream.
    public static func eof(stream: UInt32) -> Frame {
        Frame(type: .eof, stream: stream)
    }

    /// Deliver a signal (Linux numbering) to the child's process group.
    public static func signal(_ number: Int) -> Frame {
        Frame(type: .signal, signal: number)
    }

    /// The child exited with `code`; `error` says why when it could not start.
    public static func exit(code: Int, error: String = "") -> Frame {
        Frame(type: .exit, code: code, error: error)
    }

    /// A log record from the agent.
    public static func log(_ record: LogRecord) -> Frame {
        Frame(type: .log, payloads: Payloads(log: record))
    }

    /// The agent's configuration.
    public static func config(_ configuration: AgentConfiguration) -> Frame {
        Frame(type: .config, payloads: Payloads(configuration: configuration))
    }

    /// Enumerate the executables on PATH.
    public static func pathQuery(_ query: PathQuery) -> Frame {
        Frame(type: .pathQuery, payloads: Payloads(pathQuery: query))
    }

    /// The PATH enumeration.
    public static func pathInfo(_ info: PathInfo) -> Frame {
        Frame(type: .pathInfo, payloads: Payloads(pathInfo: info))
    }

    /// A file-operation request.
    public static func fileOperation(_ request: FileOperationRequest) -> Frame {
        Frame(type: .fileOperation, payloads: Payloads(fileOperation: request))
    }

    /// A file-operation response.
    public static func fileOperationResponse(_ response: FileOperationResponse) -> Frame {
        Frame(type: .fileOperationResponse, payloads: Payloads(fileOperationResponse: response))
    }
}
