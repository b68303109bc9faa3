import AgentProto

/// libFuzzer entry point: the input is a frame stream, split into chunks whose size the first byte
/// picks. Decoding must never trap, and every decoded frame must survive encode → decode unchanged.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrameDecoder(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    guard let start, count > 0 else { return 0 }
    let input = UnsafeRawBufferPointer(start: start, count: count)
    let chunkSize = Int(input[0]) + 1
    let stream = UnsafeRawBufferPointer(rebasing: input[1...])
    var decoder = FrameDecoder(limits: CBORDecodingLimits(maximumItemSize: 1 << 20))
    var offset = 0
    do {
        while offset < stream.count {
            let end = min(stream.count, offset + chunkSize)
            decoder.append(UnsafeRawBufferPointer(rebasing: stream[offset..<end]))
            offset = end
            while let frame = try decoder.next() {
                let encoded = frame.encodedBytes()
                guard let again = try? Frame(cborBytes: encoded), again == frame, again.encodedBytes() == encoded else {
                    fatalError("frame did not survive a round trip: \(frame)")
                }
            }
        }
        try decoder.finish()
    } catch {
        // Malformed input is expected; only traps and hangs are findings.
    }
    _ = try? CBORValue(cborBytes: Array(stream))
    return 0
}
