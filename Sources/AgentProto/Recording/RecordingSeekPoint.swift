/// A place to start reading a recording at: a record boundary and the time of the record there.
public struct RecordingSeekPoint: Hashable, Sendable {
    /// The record's time, Unix nanoseconds.
    public var timestamp: Int64
    /// The byte offset where the record starts.
    public var offset: Int
    /// How many records come before it in the file.
    public var recordNumber: Int

    /// Creates a seek point.
    public init(timestamp: Int64, offset: Int, recordNumber: Int) {
        self.timestamp = timestamp
        self.offset = offset
        self.recordNumber = recordNumber
    }
}
