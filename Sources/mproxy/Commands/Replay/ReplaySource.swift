import AgentProto

/// The records a replay shows, in file order: read from the selection's start offset, filtered by
/// command and time, ending at the window's end or the file's.
struct ReplaySource {
    let reader: RecordingReader
    let selection: ReplaySelection
    /// Set when reading stopped because the time window ended, not the file.
    private(set) var reachedWindowEnd = false

    init(path: String, selection: ReplaySelection) throws {
        reader = try RecordingReader(path: path, chunkSize: 1 << 20)
        self.selection = selection
        if selection.startOffset > 0 { try reader.seek(to: selection.startOffset) }
    }

    /// The next selected record, or `nil` at the end of the window or of the bytes written so far.
    ///
    /// - Throws: ``RecordingError`` `truncated` or `corrupt` after every record before the problem.
    mutating func next() throws -> RecordingEntry? {
        guard !reachedWindowEnd else { return nil }
        while let entry = try reader.next() {
            guard selection.includes(entry.record) else { continue }
            if let timestamp = entry.timestamp, entry.record.type != .sessionHeader {
                if let to = selection.to, timestamp > to {
                    reachedWindowEnd = true
                    return nil
                }
                if let from = selection.from, timestamp < from { continue }
            }
            return entry
        }
        return nil
    }

    /// What to tell the user once ``next()`` returned `nil`: that the file was cut short, or nothing.
    var endNote: String? {
        guard !reachedWindowEnd, !reader.sawFooter else { return nil }
        return RecordingTail.noFooter(endOffset: reader.offset).problem
    }
}
