import AgentProto
import Testing

/// `Frame` keeps its structured payloads in a shared box: copies must still behave as values.
@Suite("Frame value semantics")
struct FrameValueTests {
    static let request = FileOperationRequest(operation: .stat, path: "/srv/a")

    @Test("changing a copy's payload leaves the original alone")
    func copyOnWrite() {
        let original = Frame.fileOperation(Self.request)
        var copy = original
        copy.fileOperation?.path = "/srv/b"
        copy.exec = ExecRequest(path: "/bin/true")
        #expect(original.fileOperation?.path == "/srv/a")
        #expect(original.exec == nil)
        #expect(copy.fileOperation?.path == "/srv/b")
        #expect(copy.exec?.path == "/bin/true")
        #expect(copy != original)
    }

    @Test("a frame equals and hashes like one built with the same fields, however it got them")
    func equalityIgnoresHowFieldsWereSet() {
        var assembled = Frame(type: .fileOperation)
        assembled.fileOperation = Self.request
        let built = Frame.fileOperation(Self.request)
        #expect(assembled == built)
        #expect(assembled.hashValue == built.hashValue)

        var cleared = built
        cleared.fileOperation = nil
        #expect(cleared == Frame(type: .fileOperation))
        #expect(cleared.hashValue == Frame(type: .fileOperation).hashValue)
        #expect(built.fileOperation == Self.request)
    }

    @Test("clearing one payload keeps the others; every payload is kept apart")
    func payloadsAreIndependent() {
        var frame = Frame(
            type: .config, configuration: AgentConfiguration(), fileOperationResponse: FileOperationResponse(path: "/x")
        )
        frame.configuration = nil
        #expect(frame.configuration == nil)
        #expect(frame.fileOperationResponse?.path == "/x")
        #expect(frame != Frame(type: .config))
        frame.fileOperationResponse = nil
        #expect(frame == Frame(type: .config))
    }

    @Test("a decoded frame with a null payload equals one without it")
    func nullPayloadDecodesToNone() throws {
        // {"t": 11, "fop": null}
        let frame = try Frame(cborBytes: [0xA2, 0x61, 0x74, 0x0B, 0x63, 0x66, 0x6F, 0x70, 0xF6])
        #expect(frame == Frame(type: .fileOperation))
        #expect(frame.fileOperation == nil)
    }
}
