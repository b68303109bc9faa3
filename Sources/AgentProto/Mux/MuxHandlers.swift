/// Callbacks for frames that are not stream data, RPC responses or awaited results.
///
/// All run on the transport's receiving thread, in wire order, outside the mux's lock. They must not
/// block: a slow handler stalls every stream. Hand long work (spawning, file operations) to another
/// thread. Each may call back into the mux (open streams, send frames without waiting).
public struct MuxHandlers: Sendable {
    /// An Exec frame (agent side).
    public var exec: (@Sendable (ExecRequest) -> Void)?
    /// A Signal frame, with the signal number (agent side).
    public var signal: (@Sendable (Int) -> Void)?
    /// A Config frame (agent side).
    public var configuration: (@Sendable (AgentConfiguration) -> Void)?
    /// A PathQuery frame (agent side).
    public var pathQuery: (@Sendable (PathQuery) -> Void)?
    /// A PathInfo frame (client side; also called when ``Mux/pathQuery(_:)`` consumed it).
    public var pathInfo: (@Sendable (PathInfo) -> Void)?
    /// A Log frame (client side).
    public var log: (@Sendable (LogRecord) -> Void)?
    /// An Error frame's text (client side; also called when it failed a ``Mux/pathQuery(_:)``).
    public var error: (@Sendable (String) -> Void)?
    /// An Exit frame (client side; ``Mux/exitStatus()`` also returns it).
    public var exit: (@Sendable (MuxExitStatus) -> Void)?
    /// A FileOp request (agent side). Answer through the reply, from any thread, in any order.
    /// Without a handler the mux answers ENOSYS itself, so the caller never hangs.
    public var fileOperation: (@Sendable (FileOperationRequest, FileOperationReply) -> Void)?
    /// The peer's frames ended: ``MuxInputEnd/clean`` when it closed between frames, else why not.
    /// Called once.
    public var inputEnded: (@Sendable (MuxInputEnd) -> Void)?
    /// The observer threw for a frame. With this handler the mux carries on; without it the mux
    /// fails with `observerFailed`, so the failure is never silent.
    public var observerFailed: (@Sendable (any Error, Frame, FrameDirection) -> Void)?

    /// Creates handlers; set the ones you need.
    public init() {}
}
