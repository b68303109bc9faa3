/// Checks that a recording's records make a whole session, one record at a time: a header first,
/// commands numbered in increasing order (both recorders count from 0), every frame and end
/// belonging to a running command and not earlier than its start, every command ended, and a
/// footer last with the right command count.
///
/// Time order is checked per command rather than across the file: the Go recorder takes a send
/// frame's timestamp before it takes the lock, so concurrent commands can interleave slightly out
/// of time order, as its documentation says.
///
/// ```swift
/// var verifier = RecordingVerifier()
/// while let entry = try reader.next() { try verifier.check(entry) }
/// try verifier.finish(endOffset: reader.offset)
/// ```
public struct RecordingVerifier: Sendable {
    private var sawHeader = false
    private var sessionStart: Int64 = 0
    private var footerOffset: Int?
    private var startedCount: UInt32 = 0
    private var lastSequence: UInt32?
    private var lastStartTime: Int64 = .min
    /// Running commands: sequence number → the latest time seen for it.
    private var running: [UInt32: Int64] = [:]
    /// Start times of running commands.
    private var startTimes: [UInt32: Int64] = [:]
    /// Commands that have ended.
    private var ended: Set<UInt32> = []
    /// How many records were checked.
    public private(set) var recordCount = 0

    /// Creates a verifier for a new file.
    public init() {}

    /// Checks the next record.
    ///
    /// - Throws: ``RecordingError`` `inconsistent` naming the record's offset and what is wrong.
    public mutating func check(_ entry: RecordingEntry) throws(RecordingError) {
        recordCount += 1
        let record = entry.record
        func problem(_ text: String) -> RecordingError {
            RecordingError(.inconsistent, text, byteOffset: entry.offset)
        }
        if footerOffset != nil {
            throw problem("a record follows the session footer; the footer must be last")
        }
        if !sawHeader, record.type != .sessionHeader {
            throw problem("the file does not start with a session header")
        }
        switch record.type {
        case .sessionHeader:
            guard !sawHeader else { throw problem("a second session header") }
            guard let header = record.header else { throw problem("a session header record without its header") }
            sawHeader = true
            sessionStart = header.startTime
        case .commandStart:
            guard let start = record.commandStart else { throw problem("a CommandStart record without its payload") }
            if let previous = lastSequence, start.sequence <= previous {
                throw problem(
                    "command \(start.sequence) starts after command \(previous): sequence numbers must increase")
            }
            lastSequence = start.sequence
            guard start.startTime >= sessionStart, start.startTime >= lastStartTime else {
                throw problem("command \(start.sequence) starts earlier than the session or the command before it")
            }
            startedCount += 1
            lastStartTime = start.startTime
            running[start.sequence] = start.startTime
            startTimes[start.sequence] = start.startTime
        case .frame:
            guard let frame = record.frame else { throw problem("a frame record without its frame") }
            try checkInCommand(frame.sequence, at: frame.timestamp, what: "a frame", problem)
            guard frame.direction == .send || frame.direction == .receive else {
                throw problem(
                    "a frame of command \(frame.sequence) has direction \(frame.direction.rawValue), not 1 (send) or 2 (receive)"
                )
            }
            running[frame.sequence] = max(running[frame.sequence] ?? .min, frame.timestamp)
        case .commandEnd:
            guard let end = record.commandEnd else { throw problem("a CommandEnd record without its payload") }
            try checkInCommand(end.sequence, at: end.endTime, what: "the end", problem)
            guard end.endTime >= running[end.sequence] ?? .min else {
                throw problem("command \(end.sequence) ends before its last frame")
            }
            running[end.sequence] = nil
            startTimes[end.sequence] = nil
            ended.insert(end.sequence)
        case .sessionFooter:
            guard let footer = record.footer else { throw problem("a footer record without its footer") }
            if let open = running.keys.min() {
                throw problem("the footer comes while command \(open) has no CommandEnd")
            }
            guard footer.commandCount == startedCount else {
                throw problem("the footer counts \(footer.commandCount) commands but the file starts \(startedCount)")
            }
            guard footer.endTime >= lastStartTime else {
                throw problem("the footer's end time is earlier than the last command's start")
            }
            footerOffset = entry.offset
        default:
            throw problem("a record of unknown type \(record.type.rawValue)")
        }
    }

    private func checkInCommand(
        _ sequence: UInt32, at time: Int64, what: String, _ problem: (String) -> RecordingError
    ) throws(RecordingError) {
        guard let started = startTimes[sequence] else {
            if ended.contains(sequence) { throw problem("\(what) of command \(sequence) comes after its CommandEnd") }
            throw problem("\(what) of command \(sequence) comes before its CommandStart")
        }
        guard time >= started else {
            throw problem("\(what) of command \(sequence) is timed before the command started")
        }
    }

    /// Confirms the file ended properly once every record was checked.
    ///
    /// - Parameter endOffset: the offset just past the last record, named when the footer is missing.
    /// - Throws: ``RecordingError`` `inconsistent` for an empty file, unended commands or no footer.
    public func finish(endOffset: Int) throws(RecordingError) {
        guard sawHeader else {
            throw RecordingError(.inconsistent, "the file holds no records", byteOffset: endOffset)
        }
        if let open = running.keys.min() {
            throw RecordingError(
                .inconsistent, "command \(open) has no CommandEnd: the file was cut short", byteOffset: endOffset)
        }
        guard footerOffset != nil else {
            throw RecordingError(
                .inconsistent, "the file has no session footer: it was cut short or is still being written",
                byteOffset: endOffset)
        }
    }
}
