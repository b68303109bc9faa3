/// A destination argument could not be read as `host`, `user@host`, `host:port`, `[v6]:port` or
/// `ssh://user@host:port`.
public struct DestinationParsingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong. Open, so new codes can be added without breaking callers.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The code's name.
        public var rawValue: String
        /// Creates a code.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's name.
        public var description: String { rawValue }

        /// Nothing was given.
        public static let empty = Code(rawValue: "empty")
        /// A URL with a scheme other than `ssh`.
        public static let unsupportedScheme = Code(rawValue: "unsupported scheme")
        /// The host part is empty or contains characters no host name has.
        public static let invalidHost = Code(rawValue: "invalid host")
        /// The user part is empty or contains characters no user name has.
        public static let invalidUser = Code(rawValue: "invalid user")
        /// The port is not a number from 1 to 65535.
        public static let invalidPort = Code(rawValue: "invalid port")
        /// An IPv6 address opened with `[` is not closed.
        public static let unterminatedBracket = Code(rawValue: "unterminated bracket")
    }

    /// What is wrong.
    public var code: Code
    /// The text that was given.
    public var text: String
    /// What is wrong with it, for a person.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, text: String, _ message: String) {
        self.code = code
        self.text = text
        self.message = message
    }

    /// The message, the text, and the forms a destination may take.
    public var description: String {
        "invalid destination '\(text)': \(message) "
            + "(use host, user@host, host:port, [v6addr]:port or ssh://user@host:port)"
    }
}
