/// How a recording's bytes end.
public enum RecordingTail: Sendable {
    /// With a SessionFooter: the recorder closed the file.
    case footer
    /// At a record boundary without a footer: still being written, or the recorder stopped without
    /// closing (a crash). The offset is the end of the last record.
    case noFooter(endOffset: Int)
    /// Inside a record: cut short while it was written. The error names the record's offset.
    case truncated(RecordingError)
    /// With bytes that are not a record. The error names their offset.
    case corrupt(RecordingError)

    /// Whether the file was closed properly.
    public var isComplete: Bool {
        if case .footer = self { return true }
        return false
    }

    /// A sentence for a person, or `nil` for a complete file.
    public var problem: String? {
        switch self {
        case .footer: nil
        case .noFooter(let offset):
            "the recording was cut short at byte offset \(offset): it has no footer (it is still being written, or its recorder stopped without closing it)"
        case .truncated(let error):
            "the recording was cut short at byte offset \(error.byteOffset ?? 0): it ends inside a record"
        case .corrupt(let error): error.description
        }
    }
}
