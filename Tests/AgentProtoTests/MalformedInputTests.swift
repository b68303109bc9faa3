import AgentProto
import Testing

/// Hostile and broken input: every case gives a specific error with the offending field and
/// offset, and nothing traps or allocates what the input claims.
@Suite("Malformed input")
struct MalformedInputTests {
    /// Decodes `bytes` as one frame and returns the error it must throw.
    func frameError(_ bytes: [UInt8]) -> FrameDecodingError? {
        #expect(throws: FrameDecodingError.self) { try Frame(cborBytes: bytes) }
        do {
            _ = try Frame(cborBytes: bytes)
            return nil
        } catch {
            return error
        }
    }

    /// Streams `bytes` and returns the error the stream decoder throws, which must not be "need more".
    func streamError(_ bytes: [UInt8]) -> FrameDecodingError? {
        var decoder = FrameDecoder()
        decoder.append(bytes)
        do {
            while try decoder.next() != nil {}
            try decoder.finish()
            return nil
        } catch {
            return error
        }
    }

    @Test("every proper prefix of every frame vector is truncated, never malformed")
    func truncationAtEveryOffset() throws {
        for vector in GoldenVector.all where !vector.isRecord && vector.kind == "frame" {
            // Every offset of small frames; a spread of offsets of the large payload vectors.
            let step = vector.bytes.count < 4096 ? 1 : 997
            for length in stride(from: 0, to: vector.bytes.count, by: step) {
                let prefix = Array(vector.bytes[0..<length])
                #expect(frameError(prefix)?.code == .truncated, "\(vector.name) cut at \(length)")
                var decoder = FrameDecoder()
                decoder.append(prefix)
                #expect(try decoder.next() == nil, "\(vector.name) cut at \(length)")
                if length > 0 {
                    #expect(throws: FrameDecodingError.self) { try decoder.finish() }
                }
            }
        }
    }

    @Test(
        "reserved additional information 28–30 is malformed in every major type",
        arguments: [UInt8](0...7), [UInt8](28...30))
    func reservedAdditionalInformation(majorType: UInt8, info: UInt8) {
        let bytes: [UInt8] = [0xa1, 0x61, 0x74, majorType << 5 | info]
        #expect(frameError(bytes)?.code == .malformedHead)
        #expect(streamError(bytes)?.code == .malformedHead)
        #expect(streamError(bytes)?.byteOffset == 3)
    }

    @Test(
        "a break outside an indefinite-length item is rejected",
        arguments: [[0xff], [0xa1, 0x61, 0x74, 0xff], [0xa2, 0x61, 0x74, 0x01, 0xff, 0x01]] as [[UInt8]])
    func strayBreak(bytes: [UInt8]) {
        #expect(frameError(bytes)?.code == .unexpectedBreak)
        #expect(streamError(bytes)?.code == .unexpectedBreak)
    }

    /// A frame `{t: 1, z: [[[...0...]]]}` whose unknown key `z` holds arrays nested `depth` deep
    /// (the frame map itself is one more level).
    func deeplyNestedFrame(depth: Int) -> [UInt8] {
        [0xa2, 0x61, 0x74, 0x01, 0x61, 0x7a] + [UInt8](repeating: 0x81, count: depth) + [0x00]
    }

    @Test("nesting to depth 32 is accepted, depth 33 is rejected")
    func depthLimit() throws {
        #expect(try Frame(cborBytes: deeplyNestedFrame(depth: 31)).type == .exec)
        #expect(try decodeAll(Frame.self, from: deeplyNestedFrame(depth: 31)).count == 1)
        #expect(frameError(deeplyNestedFrame(depth: 32))?.code == .depthLimitExceeded)
        #expect(streamError(deeplyNestedFrame(depth: 32))?.code == .depthLimitExceeded)
        let deepValue = [UInt8](repeating: 0x81, count: 33) + [0x00]
        #expect(throws: FrameDecodingError.self) { try CBORValue(cborBytes: deepValue) }
        #expect(try CBORValue(cborBytes: Array(deepValue.dropFirst())) != .null)
    }

    @Test(
        "a declared length of 2^63 is refused at once, before any payload arrives",
        arguments: [0x5b, 0x7b] as [UInt8])
    func hugeStringLength(head: UInt8) {
        let key: UInt8 = head == 0x5b ? 0x64 : 0x65  // "d" holds bytes, "e" holds text
        let bytes: [UInt8] = [0xa2, 0x61, 0x74, 0x02, 0x61, key, head, 0x80, 0, 0, 0, 0, 0, 0, 0]
        #expect(frameError(bytes)?.code == .lengthLimitExceeded)
        #expect(frameError(bytes)?.field == String(UnicodeScalar(key)))
        #expect(streamError(bytes)?.code == .lengthLimitExceeded)
    }

    @Test("array and map counts beyond 131072 are refused at once", arguments: [0x9b, 0xbb, 0x9a, 0xba] as [UInt8])
    func hugeCounts(head: UInt8) {
        let count: [UInt8] = head & 0x1f == 27 ? [0x80, 0, 0, 0, 0, 0, 0, 0] : [0x00, 0x02, 0x00, 0x01]
        let bytes: [UInt8] = [0xa2, 0x61, 0x74, 0x02, 0x61, 0x7a, head] + count
        #expect(frameError(bytes)?.code == .countLimitExceeded)
        #expect(streamError(bytes)?.code == .countLimitExceeded)
    }

    @Test("a frame larger than the item size limit is refused before it is buffered whole")
    func itemSizeLimit() throws {
        var decoder = FrameDecoder(limits: CBORDecodingLimits(maximumItemSize: 1024))
        decoder.append([0xa3, 0x61, 0x74, 0x02, 0x61, 0x73, 0x01, 0x61, 0x64, 0x59, 0x08, 0x00])
        #expect(throws: FrameDecodingError.self) { try decoder.next() }
        var small = FrameDecoder(limits: CBORDecodingLimits(maximumItemSize: 1024))
        small.append(Frame.data(stream: 1, [UInt8](repeating: 7, count: 1000)).encodedBytes())
        #expect(try small.next()?.data.count == 1000)
    }

    @Test(
        "invalid UTF-8 in a text field or a key is rejected with the field",
        arguments: [
            ([0xa2, 0x61, 0x65, 0x62, 0xc3, 0x28, 0x61, 0x74, 0x06], "e"),
            ([0xa2, 0x61, 0x74, 0x06, 0x62, 0xff, 0xfe, 0x00], nil),
            ([0xa2, 0x61, 0x74, 0x07, 0x61, 0x6c, 0xa1, 0x63, 0x6d, 0x73, 0x67, 0x61, 0x80], "l.msg"),
        ] as [([UInt8], String?)])
    func invalidUTF8(bytes: [UInt8], field: String?) {
        let error = frameError(bytes)
        #expect(error?.code == .invalidUTF8)
        #expect(error?.field == field)
        #expect(streamError(bytes)?.code == .invalidUTF8)
    }

    @Test("a text string where bytes are expected, and the reverse, are type errors")
    func stringTypeConfusion() {
        let textForBytes: [UInt8] = [0xa2, 0x61, 0x64, 0x62, 0x68, 0x69, 0x61, 0x74, 0x02]
        #expect(frameError(textForBytes)?.code == .unexpectedType)
        #expect(frameError(textForBytes)?.field == "d")
        let bytesForText: [UInt8] = [0xa2, 0x61, 0x65, 0x42, 0x68, 0x69, 0x61, 0x74, 0x06]
        #expect(frameError(bytesForText)?.code == .unexpectedType)
        #expect(frameError(bytesForText)?.field == "e")
        let numberForMessage: [UInt8] = [0xa2, 0x61, 0x74, 0x01, 0x61, 0x78, 0x01]
        #expect(frameError(numberForMessage)?.field == "x")
    }

    @Test(
        "integers beyond each field's width overflow, naming the field",
        arguments: [
            ([0xa1, 0x61, 0x74, 0x19, 0x01, 0x00], "t"),  // uint8 type = 256
            ([0xa2, 0x61, 0x73, 0x1b, 0, 0, 0, 1, 0, 0, 0, 0, 0x61, 0x74, 0x02], "s"),  // uint32 stream = 2^32
            ([0xa2, 0x61, 0x73, 0x20, 0x61, 0x74, 0x02], "s"),  // uint32 stream = -1
            ([0xa2, 0x61, 0x63, 0x1b, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x61, 0x74, 0x05], "c"),  // int = 2^63
            ([0xa2, 0x61, 0x63, 0x3b, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x61, 0x74, 0x05], "c"),  // int = -2^63-1
            (
                [
                    0xa2, 0x61, 0x74, 0x0b, 0x63, 0x66, 0x6f, 0x70, 0xa2, 0x62, 0x6f, 0x70, 0x03, 0x62, 0x66, 0x6c,
                    0x1a,
                    0x80, 0, 0, 0,
                ], "fop.fl"
            ),  // int32 flags = 2^31
            // op 256 does not fit its uint8
            ([0xa2, 0x61, 0x74, 0x0b, 0x63, 0x66, 0x6f, 0x70, 0xa1, 0x62, 0x6f, 0x70, 0x19, 0x01, 0x00], "fop.op"),
            (
                [0xa2, 0x61, 0x74, 0x0c, 0x63, 0x66, 0x72, 0x70, 0xa1, 0x62, 0x69, 0x64, 0x1b, 0, 0, 0, 1, 0, 0, 0, 0],
                "frp.id"
            ),  // uint32 id = 2^32
        ] as [([UInt8], String)])
    func integerOverflow(bytes: [UInt8], field: String) {
        let error = frameError(bytes)
        #expect(error?.code == .integerOverflow)
        #expect(error?.field == field)
    }

    @Test("errors in a later frame carry their offset in the stream")
    func offsetInStream() throws {
        let first = Frame.eof(stream: 1).encodedBytes()
        var decoder = FrameDecoder()
        decoder.append(first + [0xa1, 0x61, 0x74, 0x1c])
        #expect(try decoder.next() == .eof(stream: 1))
        let error = try #require(streamError(first + [0xa1, 0x61, 0x74, 0x1c]))
        #expect(error.byteOffset == first.count + 3)
        #expect("\(error)".contains("byte offset \(first.count + 3)"))
    }

    @Test(
        "malformed chunks inside indefinite-length strings are rejected",
        arguments: [[0x5f, 0x61, 0x61, 0xff], [0x7f, 0x41, 0x61, 0xff], [0x5f, 0x5f, 0xff, 0xff]] as [[UInt8]])
    func malformedChunks(value: [UInt8]) {
        let bytes: [UInt8] = [0xa2, 0x61, 0x74, 0x02, 0x61, 0x7a] + value
        #expect(frameError(bytes)?.code == .malformedChunk)
        #expect(streamError(bytes)?.code == .malformedChunk)
    }

    @Test("a two-byte simple value below 32 is malformed")
    func shortSimpleValue() {
        #expect(frameError([0xa2, 0x61, 0x74, 0x02, 0x61, 0x7a, 0xf8, 0x10])?.code == .malformedSimpleValue)
    }

    @Test("bytes after a single item are reported")
    func trailingBytes() {
        #expect(frameError(Frame.exit(code: 0).encodedBytes() + [0x00])?.code == .trailingBytes)
    }
}
