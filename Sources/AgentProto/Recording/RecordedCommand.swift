/// One command of a recording as the index summarises it: how it started and ended, where, and how
/// much went in and out.
public struct RecordedCommand: Hashable, Sendable {
    /// Its CommandStart record: sequence number, start time, the exec request.
    public var start: CommandStart
    /// The byte offset of its CommandStart record; reading from here sees all of its frames.
    public var startOffset: Int
    /// Its CommandEnd record, or `nil` when the file has none (the command was still running).
    public var end: CommandEnd?
    /// Bytes of Data frames sent to it (its stdin and extra input descriptors).
    public var bytesSent = 0
    /// Bytes of Data frames received from it (stdout, stderr, extra output descriptors).
    public var bytesReceived = 0
    /// How many frames were recorded for it.
    public var frameCount = 0
    /// The time of its last record, Unix nanoseconds.
    public var lastTimestamp: Int64
    /// The code of the Exit frame it received, if any.
    public var exitFrameCode: Int?
    /// The error text of that Exit frame (why the command could not start), empty when none.
    public var exitError = ""
    /// Signal numbers sent to it, in order.
    public var signalsSent: [Int] = []

    /// Creates a summary for a command that has just started.
    public init(start: CommandStart, startOffset: Int) {
        self.start = start
        self.startOffset = startOffset
        self.lastTimestamp = start.startTime
    }

    /// The command's sequence number.
    public var sequence: UInt32 { start.sequence }

    /// How long it ran in nanoseconds: to its CommandEnd, or to its last record when it has none.
    public var duration: Int64 { (end?.endTime ?? lastTimestamp) - start.startTime }
}
