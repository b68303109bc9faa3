import AgentProto

/// libFuzzer entry point: the input is a recording, split into chunks whose size the first byte
/// picks. Decoding must never trap, and every record must survive encode → decode unchanged.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecordDecoder(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    guard let start, count > 0 else { return 0 }
    let input = UnsafeRawBufferPointer(start: start, count: count)
    let chunkSize = Int(input[0]) + 1
    let stream = UnsafeRawBufferPointer(rebasing: input[1...])
    var decoder = RecordDecoder(limits: CBORDecodingLimits(maximumItemSize: 1 << 20))
    var offset = 0
    do {
        while offset < stream.count {
            let end = min(stream.count, offset + chunkSize)
            decoder.append(UnsafeRawBufferPointer(rebasing: stream[offset..<end]))
            offset = end
            while let record = try decoder.next() {
                let encoded = record.encodedBytes()
                guard let again = try? Record(cborBytes: encoded), again == record, again.encodedBytes() == encoded
                else {
                    fatalError("record did not survive a round trip: \(record)")
                }
                _ = record.jsonLine()
            }
        }
        try decoder.finish()
    } catch {
        // Malformed input is expected; only traps and hangs are findings.
    }
    return 0
}
