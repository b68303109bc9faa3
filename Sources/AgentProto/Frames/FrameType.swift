/// What a frame carries (agentproto `FrameType`, a uint8 on the wire under key `t`).
///
/// An open struct rather than an enum: a frame of a type this build does not know still decodes,
/// and is ignored, as the Go peer ignores it.
public struct FrameType: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Local → agent: start a command (`x`).
    public static let exec = FrameType(rawValue: 1)
    /// Both ways: bytes for a stream (`s`, `d`).
    public static let data = FrameType(rawValue: 2)
    /// Both ways: the sender closes a stream (`s`).
    public static let eof = FrameType(rawValue: 3)
    /// Local → agent: deliver a signal to the child's process group (`sig`).
    public static let signal = FrameType(rawValue: 4)
    /// Agent → local: the child exited (`c`, and `e` when it could not start); the last frame of a command.
    public static let exit = FrameType(rawValue: 5)
    /// Agent → local: an internal error (`e`).
    public static let error = FrameType(rawValue: 6)
    /// Agent → local: a log record (`l`).
    public static let log = FrameType(rawValue: 7)
    /// Local → agent: the agent's configuration (`cfg`); optional, and only as the very first frame.
    public static let config = FrameType(rawValue: 8)
    /// Local → agent: enumerate executables on PATH (`q`).
    public static let pathQuery = FrameType(rawValue: 9)
    /// Agent → local: the PATH enumeration (`i`).
    public static let pathInfo = FrameType(rawValue: 10)
    /// Local → agent: a file-operation request (`fop`).
    public static let fileOperation = FrameType(rawValue: 11)
    /// Agent → local: a file-operation response (`frp`).
    public static let fileOperationResponse = FrameType(rawValue: 12)
    /// Agent → local, extension: the agent's version and capabilities (`hi`), sent only to a client
    /// that asked for it in its Config (see PROTOCOL.md). Types 100 and up are extensions.
    public static let hello = FrameType(rawValue: 100)
}

extension FrameType: CustomStringConvertible {
    /// The type's name, or its number when this build does not know it.
    public var description: String {
        switch self {
        case .exec: "exec"
        case .data: "data"
        case .eof: "eof"
        case .signal: "signal"
        case .exit: "exit"
        case .error: "error"
        case .log: "log"
        case .config: "config"
        case .pathQuery: "path-query"
        case .pathInfo: "path-info"
        case .fileOperation: "file-op"
        case .fileOperationResponse: "file-response"
        case .hello: "hello"
        default: "type-\(rawValue)"
        }
    }
}
