/// What a ``Recorder`` keeps between calls: the open file, the bounded write buffer, the sequence
/// counter and the first failure, which every later call reports again.
struct RecorderState: ~Copyable {
    /// The file, or `nil` once the recorder is closed.
    var file: RecordingFile?
    /// Encoded records not yet written; never grows past `bufferCapacity` except for one record
    /// larger than that, which is written straight through.
    var buffer: [UInt8] = []
    /// The buffer's bound in bytes.
    let bufferCapacity: Int
    /// The sequence number the next command gets (agentproto: first command = 0).
    var nextSequence: UInt32 = 0
    /// How many CommandStart records were written, for the footer.
    var commandCount: UInt32 = 0
    /// Commands started and not yet finished.
    var openCommands: Set<UInt32> = []
    /// The first failure; once set, nothing more is written and every call throws it.
    var failure: RecordingError?

    init(file: RecordingFile, bufferCapacity: Int) {
        self.file = file
        self.bufferCapacity = max(bufferCapacity, 1)
        buffer.reserveCapacity(self.bufferCapacity)
    }

    /// Throws the sticky failure, or `closed` when the file is gone; returns the file otherwise.
    func usableFile() throws(RecordingError) -> RecordingFile {
        if let failure { throw failure }
        guard let file else {
            throw RecordingError(
                .closed, "the recorder is closed; start a new recording to record more commands")
        }
        return file
    }

    /// Adds one record, writing the buffer out first when the record would overflow it.
    mutating func append(_ record: Record) throws(RecordingError) {
        let file = try usableFile()
        let bytes = record.encodedBytes()
        if buffer.count + bytes.count > bufferCapacity {
            try flush()
        }
        if bytes.count > bufferCapacity {
            try write(bytes, to: file)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    /// Writes the buffered records to the file.
    mutating func flush() throws(RecordingError) {
        let file = try usableFile()
        guard !buffer.isEmpty else { return }
        try write(buffer, to: file)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes bytes and keeps a failure, so the recorder fails the same way from now on instead of
    /// writing a file with a hole in it.
    private mutating func write(_ bytes: [UInt8], to file: RecordingFile) throws(RecordingError) {
        do {
            try file.writeAll(bytes)
        } catch {
            failure = error
            throw error
        }
    }
}
