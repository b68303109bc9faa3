/// Which way a recorded frame travelled (agentproto `Direction`, under key `dir`).
public struct FrameDirection: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Local → agent.
    public static let send = FrameDirection(rawValue: 1)
    /// Agent → local.
    public static let receive = FrameDirection(rawValue: 2)
}
