/// A record read from a recording, with where it is in the file.
public struct RecordingEntry: Hashable, Sendable {
    /// The record.
    public var record: Record
    /// The byte offset of its first byte in the file.
    public var offset: Int
    /// How many bytes it takes.
    public var length: Int

    /// Creates an entry.
    public init(record: Record, offset: Int, length: Int) {
        self.record = record
        self.offset = offset
        self.length = length
    }

    /// The record's own time in Unix nanoseconds: the header's start, a command's start or end,
    /// a frame's timestamp, the footer's end; `nil` for a record of an unknown type.
    public var timestamp: Int64? { record.timestamp }
}
