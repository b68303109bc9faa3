/// The mux's frame decoder, owned by the transport's receiving side.
///
/// `@unchecked Sendable`: the ``FrameTransport`` contract delivers inbound bytes from one thread at a
/// time, and only that delivery (``Mux/receive(_:)``, ``Mux/receiveEnded(_:)``) touches the decoder.
final class InboundDecoder: @unchecked Sendable {
    var decoder: FrameDecoder

    init(limits: CBORDecodingLimits) {
        decoder = FrameDecoder(limits: limits)
    }
}
