/// A frame's encoding around a payload that is not in memory: the bytes before it and the bytes after
/// it, so the payload itself can be moved to the peer inside the kernel (`splice`).
///
/// `header + payload + trailer` is exactly the canonical encoding the frame would have with the
/// payload in it (`Frame.encodedBytes()`), so a peer, a recording or the Go agent cannot tell the
/// difference.
public struct FrameEnvelope: Sendable, Equatable {
    /// Everything up to and including the payload's byte-string head.
    public let header: [UInt8]
    /// Everything after the payload.
    public let trailer: [UInt8]

    /// The envelope of a Data frame carrying `payloadCount` (at least 1) bytes on `stream`:
    /// `{d: payload, s: stream, t: Data}`, the stream left out when it is 0.
    public static func data(stream: UInt32, payloadCount: Int) -> FrameEnvelope {
        precondition(payloadCount > 0, "an empty payload is left out of a frame, not enveloped")
        let header = encode { sink in
            sink.writeMapHeader(count: stream == 0 ? 2 : 3)
            sink.writeText("d")
            sink.writeHead(.byteString, UInt64(payloadCount))
        }
        let trailer = encode { sink in
            if stream != 0 {
                sink.writeText("s")
                sink.writeUnsigned(stream)
            }
            sink.writeText("t")
            sink.writeUnsigned(FrameType.data.rawValue)
        }
        return FrameEnvelope(header: header, trailer: trailer)
    }

    /// The envelope of a FileResp frame `{t: FileResp, frp: response}` whose response carries
    /// `payloadCount` (at least 1) bytes of data: a ReadAt answer. `response.data` is left out.
    public static func fileOperationResponse(_ response: FileOperationResponse, payloadCount: Int) -> FrameEnvelope {
        precondition(payloadCount > 0, "an empty payload is left out of a frame, not enveloped")
        var withoutData = response
        withoutData.data = []
        // `d` is the response's first key in canonical order, so everything after the payload is
        // the response encoded without it, less its map head (one byte: at most 11 fields).
        let rest = withoutData.encodedBytes()
        precondition(rest[0] >> 5 == CBORMajorType.map.rawValue && rest[0] & 0x1f < 23, "a response is a short map")
        let header = encode { sink in
            sink.writeMapHeader(count: 2)
            sink.writeText("t")
            sink.writeUnsigned(FrameType.fileOperationResponse.rawValue)
            sink.writeText("frp")
            sink.writeMapHeader(count: Int(rest[0] & 0x1f) + 1)
            sink.writeText("d")
            sink.writeHead(.byteString, UInt64(payloadCount))
        }
        return FrameEnvelope(header: header, trailer: Array(rest.dropFirst()))
    }

    /// The few bytes one side of an envelope holds (at most 24: map heads, short keys, a type, a
    /// length and a stream number).
    private static func encode(_ body: (inout CBORBufferWriter) -> Void) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { buffer, initialized in
            var writer = CBORBufferWriter(UnsafeMutableRawBufferPointer(buffer))
            body(&writer)
            initialized = writer.count
        }
    }
}
