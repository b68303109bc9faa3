/// How ``FileTransfer`` moves bytes.
public struct TransferOptions: Sendable {
    /// Bytes per ReadAt/WriteAt. 256 KiB, near OpenSSH sftp's 261,120-byte requests.
    public var chunkLength = 256 << 10
    /// Requests in flight per file. 16 × 256 KiB = 4 MiB, twice an SSH session channel's 2 MiB
    /// window, so the channel never drains while an answer is on its way.
    public var window = 16
    /// Files transferred at once in a tree; small files are round-trip bound, so many at once.
    public var filesInFlight = 32
    /// Copy permission bits and access/modification times (`-p`).
    public var preservesAttributes = false
    /// Continue from a partial file left by an interrupted transfer (`--resume`).
    public var resumes = false
    /// Told about each file's start, progress and end; called from any task.
    public var progress: (@Sendable (TransferEvent) -> Void)?

    /// The defaults.
    public init() {}

    /// The name a transfer writes to until the file is complete: `.NAME.mproxy-part` next to it.
    public static func partialPath(for path: String) -> String {
        let directory = RemotePath.directoryName(path)
        let name = ".\(RemotePath.baseName(path)).mproxy-part"
        return directory == "." && !path.hasPrefix("./") ? name : RemotePath.join(directory, name)
    }
}
