public import AgentProto

/// Per-command hooks: where the agent's diagnostics go, and who sees every frame.
public struct RemoteProcessOptions: Sendable {
    /// Sees every frame sent and received (a ``CommandRecording`` records them).
    public var observer: (any FrameObserver)?
    /// Receives the agent's Log frames.
    public var log: (@Sendable (LogRecord) -> Void)?
    /// Receives what the agent process itself writes to its standard error.
    public var agentStandardError: (@Sendable ([UInt8]) -> Void)?

    /// Creates options; by default frames are not observed, logs are dropped and the agent's
    /// standard error goes to ours.
    public init(
        observer: (any FrameObserver)? = nil, log: (@Sendable (LogRecord) -> Void)? = nil,
        agentStandardError: (@Sendable ([UInt8]) -> Void)? = nil
    ) {
        self.observer = observer
        self.log = log
        self.agentStandardError = agentStandardError
    }
}
