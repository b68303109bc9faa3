import AgentProto
import Testing

/// The decoder accepts everything the Go peer's decoder accepts, and re-encoding what it read gives
/// the canonical form.
@Suite("Lenient decoding")
struct LenientDecodingTests {
    /// Decodes one frame and checks it re-encodes to `canonical`.
    func expectFrame(_ bytes: [UInt8], canonical: Frame, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let frame = try Frame(cborBytes: bytes)
        #expect(frame == canonical, sourceLocation: sourceLocation)
        #expect(frame.encodedBytes() == canonical.encodedBytes(), sourceLocation: sourceLocation)
        #expect(
            frame.encodedBytes() != bytes, "the input was meant to be non-canonical", sourceLocation: sourceLocation)
    }

    @Test("keys in any order")
    func keyOrder() throws {
        // {"t": 2, "s": 1, "d": h'6869'} — canonical order is d, s, t.
        try expectFrame(
            [0xa3, 0x61, 0x74, 0x02, 0x61, 0x73, 0x01, 0x61, 0x64, 0x42, 0x68, 0x69],
            canonical: .data(stream: 1, Array("hi".utf8)))
    }

    @Test("integers in longer forms than needed")
    func nonShortestIntegers() throws {
        // {"t": uint64(5), "c": uint16(3)}
        try expectFrame(
            [0xa2, 0x61, 0x74, 0x1b, 0, 0, 0, 0, 0, 0, 0, 5, 0x61, 0x63, 0x19, 0x00, 0x03],
            canonical: .exit(code: 3))
    }

    @Test("indefinite-length maps, arrays and strings")
    func indefiniteLengths() throws {
        // {_ "t": 1, "x": {_ "path": (_ "/bin", "/true"), "argv": [_ "true"]}}
        let bytes: [UInt8] =
            [0xbf, 0x61, 0x74, 0x01, 0x61, 0x78, 0xbf, 0x64] + Array("path".utf8)
            + [0x7f, 0x64] + Array("/bin".utf8) + [0x65] + Array("/true".utf8) + [0xff]
            + [0x64] + Array("argv".utf8) + [0x9f, 0x64] + Array("true".utf8) + [0xff, 0xff, 0xff]
        try expectFrame(bytes, canonical: .exec(ExecRequest(path: "/bin/true", arguments: ["true"])))
    }

    @Test("unknown keys of any shape are skipped")
    func unknownKeys() throws {
        // {"t": 3, "zz": {"a": [1, h'00', -5, 1.5, true, null]}, 7: "non-text key", "s": 2}
        let bytes: [UInt8] =
            [
                0xa4, 0x61, 0x74, 0x03, 0x62, 0x7a, 0x7a, 0xa1, 0x61, 0x61, 0x86, 0x01, 0x41, 0x00, 0x24, 0xf9, 0x3e,
                0x00,
                0xf5, 0xf6, 0x07, 0x6c,
            ] + Array("non-text key".utf8) + [0x61, 0x73, 0x02]
        try expectFrame(bytes, canonical: .eof(stream: 2))
    }

    @Test("unknown frame types decode and keep their fields")
    func unknownFrameType() throws {
        let frame = try Frame(cborBytes: [0xa2, 0x61, 0x74, 0x18, 0xc8, 0x61, 0x73, 0x05])
        #expect(frame.type == FrameType(rawValue: 200))
        #expect(frame.stream == 5)
        #expect(frame.type.description == "type-200")
    }

    @Test("null for lists, nested messages and scalars")
    func nulls() throws {
        // {"t": 1, "x": {"argv": null, "env": null, "fds": null, "path": null}, "e": null, "l": null}
        let bytes: [UInt8] =
            [0xa4, 0x61, 0x74, 0x01, 0x61, 0x78, 0xa4, 0x64] + Array("argv".utf8) + [0xf6, 0x63] + Array("env".utf8)
            + [0xf6, 0x63] + Array("fds".utf8) + [0xf6, 0x64] + Array("path".utf8) + [
                0xf6, 0x61, 0x65, 0xf6, 0x61,
                0x6c, 0xf6,
            ]
        try expectFrame(bytes, canonical: .exec(ExecRequest()))
    }

    @Test("tags in front of field values are stepped over")
    func tags() throws {
        // {"t": 1(5)} — tag 1 around the type
        try expectFrame([0xa1, 0x61, 0x74, 0xc1, 0x05], canonical: Frame(type: .exit))
    }

    @Test("an empty Data payload and a zero stream are omitted on re-encoding")
    func zeroValuesOmitted() throws {
        try expectFrame([0xa3, 0x61, 0x64, 0x40, 0x61, 0x73, 0x00, 0x61, 0x74, 0x02], canonical: Frame(type: .data))
    }
}
