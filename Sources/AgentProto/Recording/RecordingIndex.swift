/// Everything needed to seek in a recording and list its commands, built in one pass over the file.
///
/// The pass walks every record without copying payloads and keeps a ``RecordingSeekPoint`` every
/// second of recording time and every few thousand records, so ``seekPoint(atOrBefore:)`` finds
/// where to start reading for any time without reading the file again: a ``RecordingReader`` seeks
/// straight to that offset.
public struct RecordingIndex: Sendable {
    /// The file indexed.
    public var path: String
    /// The session header, when the file starts with one.
    public var header: SessionHeader?
    /// The session footer, when the file has one.
    public var footer: SessionFooter?
    /// Places to start reading, in file order, with non-decreasing timestamps.
    public var seekPoints: [RecordingSeekPoint] = []
    /// The commands, in the order of their CommandStart records.
    public var commands: [RecordedCommand] = []
    /// How many whole records the file holds.
    public var recordCount = 0
    /// The earliest and latest record times, Unix nanoseconds (`nil` for an empty file).
    public var firstTimestamp: Int64?
    /// The latest record time, Unix nanoseconds.
    public var lastTimestamp: Int64?
    /// The offset just past the last whole record.
    public var endOffset = 0
    /// How the file ends.
    public var tail: RecordingTail = .noFooter(endOffset: 0)

    private var commandPositions: [UInt32: Int] = [:]

    /// Creates an empty index for `path`; ``build(path:seekInterval:recordInterval:chunkSize:)`` fills one.
    public init(path: String) {
        self.path = path
    }

    /// The session's start: the header's start time, or the first record's time without one.
    public var startTime: Int64? {
        if let header, header.startTime != 0 { return header.startTime }
        return firstTimestamp
    }

    /// The command with sequence number `sequence`.
    public func command(sequence: UInt32) -> RecordedCommand? {
        commandPositions[sequence].map { commands[$0] }
    }

    /// The last seek point at or before `timestamp`, or the first one when all are later.
    public func seekPoint(atOrBefore timestamp: Int64) -> RecordingSeekPoint? {
        var low = 0
        var high = seekPoints.count
        while low < high {
            let middle = (low + high) / 2
            if seekPoints[middle].timestamp <= timestamp {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low > 0 ? seekPoints[low - 1] : seekPoints.first
    }

    /// Reads `path` once and indexes it.
    ///
    /// A truncated or corrupt tail does not fail the build: the index covers every record before
    /// it and ``tail`` says what was found.
    ///
    /// - Parameters:
    ///   - path: the recording.
    ///   - seekInterval: the most recording time, in nanoseconds, between seek points (1 s).
    ///   - recordInterval: the most records between seek points (4096).
    ///   - chunkSize: bytes per read (1 MiB).
    /// - Throws: ``RecordingError`` when the file cannot be opened or read.
    public static func build(
        path: String, seekInterval: Int64 = 1_000_000_000, recordInterval: Int = 4096, chunkSize: Int = 1 << 20
    ) throws(RecordingError) -> RecordingIndex {
        var builder = RecordingIndexBuilder(
            index: RecordingIndex(path: path), seekInterval: seekInterval, recordInterval: recordInterval)
        let file = try RecordingFile.openForReading(path)
        defer { try? file.close() }
        var buffer = RecordingIndexBuffer(capacity: max(chunkSize, 4096))
        while true {
            let stop = buffer.decodeComplete { summary, offset in builder.add(summary, at: offset) }
            if case .corrupt(let error) = stop {
                builder.index.endOffset = buffer.nextOffset
                builder.index.tail = .corrupt(
                    RecordingError(
                        .corrupt, "the recording holds bytes that are not a record; the records before them are intact",
                        path: path, byteOffset: error.byteOffset, cause: error))
                return builder.index
            }
            guard try buffer.readMore(from: file) else { break }
        }
        builder.index.endOffset = buffer.nextOffset
        if buffer.pendingByteCount > 0 {
            builder.index.tail = .truncated(
                RecordingError(
                    .truncated,
                    "the recording ends inside a record (\(buffer.pendingByteCount) bytes of it): it was cut short",
                    path: path, byteOffset: buffer.nextOffset))
        } else if builder.index.footer != nil {
            builder.index.tail = .footer
        } else {
            builder.index.tail = .noFooter(endOffset: buffer.nextOffset)
        }
        return builder.index
    }

    /// Takes one record into the summaries.
    mutating func add(_ summary: RecordSummary, at offset: Int) {
        recordCount += 1
        if summary.type == .sessionHeader || summary.type == .sessionFooter
            || summary.type == .commandStart || summary.type == .commandEnd || summary.type == .frame
        {
            if firstTimestamp == nil || summary.timestamp < firstTimestamp! { firstTimestamp = summary.timestamp }
            if lastTimestamp == nil || summary.timestamp > lastTimestamp! { lastTimestamp = summary.timestamp }
        }
        switch summary.type {
        case .sessionHeader:
            if header == nil { header = summary.header }
        case .sessionFooter:
            footer = summary.footer
        case .commandStart:
            guard let start = summary.commandStart else { return }
            commandPositions[start.sequence] = commands.count
            commands.append(RecordedCommand(start: start, startOffset: offset))
        case .commandEnd:
            guard let end = summary.commandEnd, let position = commandPositions[end.sequence] else { return }
            commands[position].end = end
            commands[position].lastTimestamp = max(commands[position].lastTimestamp, end.endTime)
        case .frame:
            guard let position = commandPositions[summary.sequence] else { return }
            addFrame(summary, toCommandAt: position)
        default:
            break
        }
    }

    private mutating func addFrame(_ summary: RecordSummary, toCommandAt position: Int) {
        commands[position].frameCount += 1
        commands[position].lastTimestamp = max(commands[position].lastTimestamp, summary.timestamp)
        switch (summary.frameType, summary.direction) {
        case (.data, .send): commands[position].bytesSent += summary.dataLength
        case (.data, .receive): commands[position].bytesReceived += summary.dataLength
        case (.exit, _):
            commands[position].exitFrameCode = summary.exitCode
            commands[position].exitError = summary.errorText
        case (.signal, .send): commands[position].signalsSent.append(summary.signal)
        default: break
        }
    }
}
