/// What a ``Recorder`` keeps between calls: the writer, the sequence counter, the open commands and
/// the first failure, which every later call reports again.
struct RecorderState: ~Copyable {
    /// The writer, or `nil` once the recorder is closed.
    var writer: RecordingWriter?
    /// The sequence number the next command gets (agentproto: first command = 0).
    var nextSequence: UInt32 = 0
    /// How many CommandStart records were written, for the footer.
    var commandCount: UInt32 = 0
    /// Commands started and not yet finished.
    var openCommands: Set<UInt32> = []
    /// The first failure; once set, nothing more is written and every call throws it.
    var failure: RecordingError?

    init(writer: RecordingWriter) {
        self.writer = writer
    }

    /// Throws the sticky failure, or `closed` when the writer is gone; returns the writer otherwise.
    func usableWriter() throws(RecordingError) -> RecordingWriter {
        if let failure { throw failure }
        guard let writer else {
            throw RecordingError(
                .closed, "the recorder is closed; start a new recording to record more commands")
        }
        if let failure = writer.failure { throw failure }
        return writer
    }

    /// Queues one record for the writer thread.
    mutating func append(_ record: Record) throws(RecordingError) {
        try keepingFailure { (writer) throws(RecordingError) in try writer.enqueue(record) }
    }

    /// Waits until everything queued is in the file.
    mutating func flush() throws(RecordingError) {
        try keepingFailure { (writer) throws(RecordingError) in try writer.waitUntilWritten() }
    }

    /// Runs `body` on the writer and keeps its failure, so the recorder fails the same way from now
    /// on instead of writing a file with a hole in it.
    private mutating func keepingFailure(
        _ body: (RecordingWriter) throws(RecordingError) -> Void
    ) throws(RecordingError) {
        let writer = try usableWriter()
        do {
            try body(writer)
        } catch {
            failure = error
            throw error
        }
    }
}
