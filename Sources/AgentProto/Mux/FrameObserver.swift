/// Sees every frame a mux sends or receives, in the order the mux handles them; a recorder is one.
///
/// Called on the mux's I/O threads: implementations must be quick and must not block on the mux.
public protocol FrameObserver: Sendable {
    /// A frame passed through the mux.
    ///
    /// - Parameters:
    ///   - frame: the frame.
    ///   - direction: ``FrameDirection/send`` for frames this side sent, ``FrameDirection/receive``
    ///     for frames it received.
    /// - Throws: when the observer cannot keep the frame (a recorder's write failed); the mux reports
    ///   it to its owner instead of dropping it silently.
    func observe(_ frame: Frame, direction: FrameDirection) throws

    /// Whether the observer needs the frames this side sends, payloads included. An observer that
    /// only watches what arrives says false, and the mux may then send payloads it never reads
    /// (``Mux/sendData(stream:splicing:from:)``). True unless implemented.
    var observesSentFrames: Bool { get }
}

extension FrameObserver {
    public var observesSentFrames: Bool { true }
}
