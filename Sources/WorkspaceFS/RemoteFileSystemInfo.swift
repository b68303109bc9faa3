public import AgentProto

/// A file system's capacity, as Statfs reports it.
public struct RemoteFileSystemInfo: Hashable, Sendable {
    /// The statistics as they came off the wire.
    public var status: FileSystemStatus

    /// Wraps statistics from the wire.
    public init(status: FileSystemStatus) { self.status = status }

    /// The unit blocks are counted in (the fragment size, else the block size), as `df` uses it.
    public var blockSize: UInt64 { UInt64(status.fragmentSize != 0 ? status.fragmentSize : status.blockSize) }
    /// Total bytes.
    public var totalBytes: UInt64 { status.blocks &* blockSize }
    /// Bytes free for anyone, including root's reserve.
    public var freeBytes: UInt64 { status.freeBlocks &* blockSize }
    /// Bytes available to unprivileged users.
    public var availableBytes: UInt64 { status.availableBlocks &* blockSize }
    /// Bytes in use.
    public var usedBytes: UInt64 { totalBytes &- freeBytes }
    /// Total inodes.
    public var totalFiles: UInt64 { status.files }
    /// Free inodes.
    public var freeFiles: UInt64 { status.freeFiles }
    /// The longest file name allowed.
    public var maximumNameLength: UInt32 { status.maximumNameLength }
}
