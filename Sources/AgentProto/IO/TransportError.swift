/// A transport could not read or write its bytes.
public struct TransportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What failed. Open, so new codes can be added without breaking callers.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// `read` failed.
        public static let readFailed = Code(rawValue: "read failed")
        /// `write` failed, typically because the peer closed its side (EPIPE).
        public static let writeFailed = Code(rawValue: "write failed")
        /// The transport could not create a thread or a wake-up descriptor.
        public static let setupFailed = Code(rawValue: "setup failed")
        /// This side closed the transport.
        public static let closed = Code(rawValue: "closed")
        /// The connection was cut (the in-memory pair's simulated loss).
        public static let disconnected = Code(rawValue: "disconnected")
    }

    /// What failed.
    public var code: Code
    /// The system error number, 0 when none applies.
    public var systemErrorNumber: Int32
    /// A sentence for a person, saying what to do.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, systemErrorNumber: Int32 = 0, _ message: String) {
        self.code = code
        self.systemErrorNumber = systemErrorNumber
        self.message = message
    }

    public var description: String {
        systemErrorNumber == 0 ? "\(code): \(message)" : "\(code) (errno \(systemErrorNumber)): \(message)"
    }
}
