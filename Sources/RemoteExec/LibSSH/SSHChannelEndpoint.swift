/// What an exec channel's bytes go to and come from: the async ``SSHChannel`` or a frame transport.
///
/// The session thread calls every method; implementations keep their state behind a lock and call
/// ``SSHSessionThread/wake()`` when they have bytes to send, resume reading, or want to close.
protocol SSHChannelEndpoint: AnyObject, Sendable {
    /// The server accepted the command; bytes may flow.
    func channelStarted()
    /// Output arrived, in order per stream.
    func receive(_ bytes: UnsafeRawBufferPointer, isStandardError: Bool)
    /// Whether to stop reading (the channel window then stops the server) until a wake-up.
    var isReceivingPaused: Bool { get }
    /// Whether a reply to a request sent on the channel is due: the session thread then polls the
    /// socket briefly before it sleeps (see `InputPolling`).
    var isAwaitingReply: Bool { get }
    /// The command closed its output (EOF), after every byte was delivered.
    func receiveEnded()
    /// The next bytes for the command's standard input; `nil` when none are queued.
    func takeOutboundBytes() -> [UInt8]?
    /// Whether standard input is finished: once queued bytes are written, EOF is sent.
    var isInputClosed: Bool { get }
    /// Whether to close the channel now, without waiting for the command.
    var isAbandoned: Bool { get }
    /// The channel is gone: how the command ended, or why the channel failed. Called once, last.
    func finished(_ outcome: Result<SSHExitStatus, SSHError>)
}
