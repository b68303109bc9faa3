/// A recording could not be written or read: what went wrong, where, and what to do about it.
public struct RecordingError: Error, Sendable, CustomStringConvertible {
    /// What kind of problem it is. Open, so new codes can be added without breaking callers.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The file could not be opened or created.
        public static let openFailed = Code(rawValue: "open failed")
        /// Writing to the file failed; the recorder keeps failing after this (the error is sticky).
        public static let writeFailed = Code(rawValue: "write failed")
        /// Reading the file failed.
        public static let readFailed = Code(rawValue: "read failed")
        /// Moving to an offset in the file failed.
        public static let seekFailed = Code(rawValue: "seek failed")
        /// The recorder was already closed.
        public static let closed = Code(rawValue: "recorder closed")
        /// A command was finished twice.
        public static let commandFinished = Code(rawValue: "command already finished")
        /// The records are out of order or incomplete (found by ``RecordingVerifier``).
        public static let inconsistent = Code(rawValue: "inconsistent")
        /// The file ends inside a record: it was cut short while being written.
        public static let truncated = Code(rawValue: "truncated")
        /// Bytes in the file cannot be a record.
        public static let corrupt = Code(rawValue: "corrupt")
    }

    /// What kind of problem it is.
    public var code: Code
    /// A sentence for a person saying what happened and what to do.
    public var message: String
    /// The file concerned, when known.
    public var path: String?
    /// The byte offset in the file where the problem is, when it is about the file's content.
    public var byteOffset: Int?
    /// The C `errno` of a failed system call.
    public var systemErrorNumber: Int32?
    /// The error underneath, such as the ``FrameDecodingError`` of a corrupt record.
    public var cause: (any Error)?

    /// Creates an error.
    public init(
        _ code: Code, _ message: String, path: String? = nil, byteOffset: Int? = nil,
        systemErrorNumber: Int32? = nil, cause: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.path = path
        self.byteOffset = byteOffset
        self.systemErrorNumber = systemErrorNumber
        self.cause = cause
    }

    /// One line: the message, the file, the offset and the cause when known.
    public var description: String {
        var text = message
        if let path { text += " (\(path))" }
        if let byteOffset { text += " at byte offset \(byteOffset)" }
        if let systemErrorNumber { text += ": \(RecordingFile.describe(errorNumber: systemErrorNumber))" }
        if let cause = cause as? FrameDecodingError { text += ": \(cause.detail)" }
        return text
    }
}
