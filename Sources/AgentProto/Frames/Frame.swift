/// One message on the agentproto mux (agentproto v1.3.4 `Frame`).
///
/// Mirrors the wire struct field for field: every field may be set on any frame, and a zero field
/// is omitted on the wire, so a frame decodes and re-encodes byte for byte whatever its type. The
/// static constructors build the usual shapes.
public struct Frame: Hashable, Sendable {
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
    /// The command to start (`x`).
    public var exec: ExecRequest?
    /// A log record from the agent (`l`).
    public var log: LogRecord?
    /// The agent's configuration (`cfg`).
    public var configuration: AgentConfiguration?
    /// A PATH enumeration request (`q`).
    public var pathQuery: PathQuery?
    /// A PATH enumeration result (`i`).
    public var pathInfo: PathInfo?
    /// A file-operation request (`fop`).
    public var fileOperation: FileOperationRequest?
    /// A file-operation response (`frp`).
    public var fileOperationResponse: FileOperationResponse?
    /// The agent's hello, a negotiated extension (`hi`, only on ``FrameType/hello`` frames; see PROTOCOL.md).
    public var hello: AgentHello?

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
        self.type = type
        self.stream = stream
        self.data = data
        self.signal = signal
        self.code = code
        self.error = error
        self.exec = exec
        self.log = log
        self.configuration = configuration
        self.pathQuery = pathQuery
        self.pathInfo = pathInfo
        self.fileOperation = fileOperation
        self.fileOperationResponse = fileOperationResponse
        self.hello = hello
    }
}

// MARK: - Constructors for the usual shapes

extension Frame {
    /// Start a command.
    public static func exec(_ request: ExecRequest) -> Frame {
        Frame(type: .exec, exec: request)
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
        Frame(type: .log, log: record)
    }

    /// The agent's configuration.
    public static func config(_ configuration: AgentConfiguration) -> Frame {
        Frame(type: .config, configuration: configuration)
    }

    /// Enumerate the executables on PATH.
    public static func pathQuery(_ query: PathQuery) -> Frame {
        Frame(type: .pathQuery, pathQuery: query)
    }

    /// The PATH enumeration.
    public static func pathInfo(_ info: PathInfo) -> Frame {
        Frame(type: .pathInfo, pathInfo: info)
    }

    /// A file-operation request.
    public static func fileOperation(_ request: FileOperationRequest) -> Frame {
        Frame(type: .fileOperation, fileOperation: request)
    }

    /// A file-operation response.
    public static func fileOperationResponse(_ response: FileOperationResponse) -> Frame {
        Frame(type: .fileOperationResponse, fileOperationResponse: response)
    }
}
