/// An SSH connection, host key check, authentication or channel failed.
///
/// Captured on the session thread at the libssh call that failed, with libssh's own return code and
/// `ssh_get_error` text, and a message saying what to do about it.
public struct SSHError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What failed. Open, so new codes can be added without breaking callers.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The code's name.
        public var rawValue: String
        /// Creates a code.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's name.
        public var description: String { rawValue }

        /// The TCP connection or the SSH handshake failed, or the host configuration is unusable.
        public static let connectionFailed = Code(rawValue: "connection failed")
        /// The server's host key is not in known_hosts and the policy does not allow adding it.
        public static let hostKeyUnknown = Code(rawValue: "host key unknown")
        /// The server's host key differs from the one known_hosts holds for it.
        public static let hostKeyChanged = Code(rawValue: "host key changed")
        /// No authentication method was accepted.
        public static let authenticationFailed = Code(rawValue: "authentication failed")
        /// The server refused a channel, or the command request on it.
        public static let channelOpenFailed = Code(rawValue: "channel open failed")
        /// Connecting took longer than ConnectTimeout, or the server stopped answering keepalives
        /// (ServerAliveInterval × ServerAliveCountMax).
        public static let timedOut = Code(rawValue: "timed out")
        /// The connection was lost or closed while in use.
        public static let disconnected = Code(rawValue: "disconnected")
        /// A helper command (upload, checksum) ran but failed.
        public static let commandFailed = Code(rawValue: "command failed")
    }

    /// What failed.
    public var code: Code
    /// What happened and what to do, for a person.
    public var message: String
    /// The return code of the libssh call that failed, 0 when no call failed.
    public var libSSHReturnCode: Int32
    /// `ssh_get_error` at the time of the failure, empty when libssh had nothing to say.
    public var libSSHErrorText: String

    /// Creates an error.
    public init(_ code: Code, _ message: String, libSSHReturnCode: Int32 = 0, libSSHErrorText: String = "") {
        self.code = code
        self.message = message
        self.libSSHReturnCode = libSSHReturnCode
        self.libSSHErrorText = libSSHErrorText
    }

    /// The message followed by libssh's own text, when it adds something.
    public var description: String {
        guard !libSSHErrorText.isEmpty, !message.contains(libSSHErrorText) else { return message }
        return "\(message) (libssh: \(libSSHErrorText))"
    }
}
