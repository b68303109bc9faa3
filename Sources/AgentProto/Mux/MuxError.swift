/// Why a mux operation could not complete.
public struct MuxError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong. Open, so new codes can be added without breaking callers.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The peer closed the connection in an orderly way before the answer or the stream's end came.
        public static let connectionClosed = Code(rawValue: "connection closed")
        /// The connection broke: a read failed, or the bytes ended inside a frame.
        public static let connectionLost = Code(rawValue: "connection lost")
        /// The peer sent bytes that are not a frame; the connection cannot continue.
        public static let malformedInput = Code(rawValue: "malformed input")
        /// Writing to the peer failed; nothing more can be sent.
        public static let sendFailed = Code(rawValue: "send failed")
        /// This side closed the mux.
        public static let closed = Code(rawValue: "mux closed")
        /// The frame observer (a recorder) failed and no handler took the failure.
        public static let observerFailed = Code(rawValue: "frame observer failed")
        /// A stream was opened twice.
        public static let streamAlreadyOpen = Code(rawValue: "stream already open")
        /// Every request id is in use by a pending request.
        public static let tooManyPendingRequests = Code(rawValue: "too many pending requests")
        /// The peer reported an error (an Error frame).
        public static let peerError = Code(rawValue: "peer error")
    }

    /// What went wrong.
    public var code: Code
    /// A sentence for a person, saying what to do.
    public var message: String
    /// The underlying error, if any (a ``TransportError``, a ``FrameDecodingError``, an observer's error).
    public var cause: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        guard let cause else { return "\(code): \(message)" }
        return "\(code): \(message) (\(cause))"
    }

    /// The most specific explanation, for a one-line message whose caller already says what was
    /// interrupted: the underlying error when there is one ("the SSH connection to host was lost;
    /// ..."), else this error's message.
    public var reason: String {
        guard let cause else { return message }
        return (cause as? MuxError)?.reason ?? "\(cause)"
    }

    public static func == (lhs: MuxError, rhs: MuxError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
    }
}
