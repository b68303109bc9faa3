/// What a recording record holds (agentproto `RecordType`, a uint8 under key `type`).
public struct RecordType: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The session's metadata, first in a file.
    public static let sessionHeader = RecordType(rawValue: 1)
    /// A command begins.
    public static let commandStart = RecordType(rawValue: 2)
    /// A frame sent or received by a command.
    public static let frame = RecordType(rawValue: 3)
    /// A command ends.
    public static let commandEnd = RecordType(rawValue: 4)
    /// The session's summary, last in a file written to the end.
    public static let sessionFooter = RecordType(rawValue: 5)
}
