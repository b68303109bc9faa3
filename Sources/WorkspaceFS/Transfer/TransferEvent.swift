/// What a transfer reports as it goes.
public enum TransferEvent: Sendable {
    /// A file started: its path (the destination) and total size; `alreadyDone` bytes were resumed.
    case started(path: String, size: Int64, alreadyDone: Int64)
    /// `bytes` more bytes of the file at `path` arrived.
    case advanced(path: String, bytes: Int64)
    /// The file at `path` is complete and in place.
    case finished(path: String)
}
