/// The kind of a remote file, derived from the Go `os.FileMode` type bits the agent reports.
public struct RemoteFileType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The type's name.
    public var rawValue: String
    /// Creates a type from its name.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The type's name.
    public var description: String { rawValue }

    /// A regular file.
    public static let regular = RemoteFileType(rawValue: "file")
    /// A directory.
    public static let directory = RemoteFileType(rawValue: "directory")
    /// A symbolic link (as Lstat and ReadDir report it).
    public static let symbolicLink = RemoteFileType(rawValue: "symlink")
    /// A block device.
    public static let blockDevice = RemoteFileType(rawValue: "block device")
    /// A character device.
    public static let characterDevice = RemoteFileType(rawValue: "character device")
    /// A FIFO.
    public static let namedPipe = RemoteFileType(rawValue: "fifo")
    /// A Unix socket.
    public static let socket = RemoteFileType(rawValue: "socket")
    /// Anything else the agent flags as irregular.
    public static let unknown = RemoteFileType(rawValue: "unknown")

    /// The character `ls -l` prints for the type.
    public var listingCharacter: Character {
        switch self {
        case .directory: "d"
        case .symbolicLink: "l"
        case .blockDevice: "b"
        case .characterDevice: "c"
        case .namedPipe: "p"
        case .socket: "s"
        case .regular: "-"
        default: "?"
        }
    }
}
