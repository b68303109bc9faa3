/// How ``RemoteFileSystem/openFile(forWritingAt:options:permissions:)`` opens a file, as Linux
/// `O_*` flags (agentproto sends the sender's numbers verbatim, and the agents run on Linux).
public struct RemoteOpenOptions: OptionSet, Hashable, Sendable {
    /// The Linux flag bits.
    public var rawValue: Int32
    /// Creates options from Linux flag bits.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// Create the file when missing (O_CREAT).
    public static let create = RemoteOpenOptions(rawValue: 0o100)
    /// Fail when the file exists (O_EXCL, with ``create``).
    public static let exclusive = RemoteOpenOptions(rawValue: 0o200)
    /// Cut the file to zero length (O_TRUNC).
    public static let truncate = RemoteOpenOptions(rawValue: 0o1000)
    /// Every write goes to the end (O_APPEND).
    public static let append = RemoteOpenOptions(rawValue: 0o2000)
    /// Also allow reading (O_RDWR instead of O_WRONLY).
    public static let read = RemoteOpenOptions(rawValue: 0o2)
    /// Do not follow a symlink in the last component (O_NOFOLLOW).
    public static let noFollow = RemoteOpenOptions(rawValue: 0o400000)

    /// The flags to send: O_WRONLY unless ``read`` asks for O_RDWR, plus O_CLOEXEC.
    var wireFlags: Int32 {
        let access: Int32 = contains(.read) ? 0o2 : 0o1
        return (rawValue & ~0o3) | access | 0o2000000
    }
}
