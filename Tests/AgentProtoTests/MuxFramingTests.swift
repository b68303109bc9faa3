import AgentProto
import Synchronization
import Testing

/// A transport whose inbound bytes the test writes by hand.
final class ScriptedTransport: FrameTransport {
    let endpoint = Mutex<(any FrameTransportEndpoint)?>(nil)

    func start(_ endpoint: any FrameTransportEndpoint) { self.endpoint.withLock { $0 = endpoint } }
    func outboundBytesAvailable() {}
    func resumeReceiving() {}
    func close() {}

    func feed(_ bytes: [UInt8]) {
        let endpoint = self.endpoint.withLock { $0 }
        bytes.withUnsafeBytes { endpoint?.receive($0) }
    }

    func end(_ error: (any Error)? = nil) {
        endpoint.withLock { $0 }?.receiveEnded(error)
    }
}

@Suite("Mux framing at the edges of the byte stream", .timeLimit(.minutes(1)))
struct MuxFramingTests {
    private func mux(_ transport: ScriptedTransport, ended: Completion<MuxInputEnd>) -> Mux {
        var handlers = MuxHandlers()
        handlers.inputEnded = { ended.complete($0) }
        let mux = Mux(transport: transport, handlers: handlers)
        mux.start()
        return mux
    }

    @Test("the end of input between frames is a clean end")
    func cleanEnd() async throws {
        let transport = ScriptedTransport()
        let ended = Completion<MuxInputEnd>()
        let mux = mux(transport, ended: ended)
        transport.feed([0xA1, 0x61, 0x74, 0x03])  // EOF on stdin
        transport.end()
        #expect(await ended.value == .clean)
        #expect(mux.inputEnd == .clean)
    }

    @Test("the end of input inside a frame is a lost connection, and pending calls fail")
    func endInsideFrame() async throws {
        let transport = ScriptedTransport()
        let ended = Completion<MuxInputEnd>()
        let mux = mux(transport, ended: ended)
        let output = try mux.openStream(1)
        transport.feed([0xA3, 0x61, 0x64, 0x42, 0x68])  // Data stream 1 "h…" cut short
        transport.end()
        guard case .failed(let error) = await ended.value else {
            Issue.record("expected a failed end")
            return
        }
        #expect(error.code == .connectionLost)
        await #expect(throws: MuxError.self) { for try await _ in output {} }
    }

    @Test("bytes that cannot be a frame fail the mux as malformed input")
    func malformed() async throws {
        let transport = ScriptedTransport()
        let ended = Completion<MuxInputEnd>()
        let mux = mux(transport, ended: ended)
        transport.feed([0xFF])
        guard case .failed(let error) = await ended.value else {
            Issue.record("expected a failed end")
            return
        }
        #expect(error.code == .malformedInput)
        #expect(mux.inputEnd != nil)
    }

    @Test("frames split at every byte decode as the whole; unknown frame types are skipped")
    func byteByByte() async throws {
        let transport = ScriptedTransport()
        let ended = Completion<MuxInputEnd>()
        let mux = mux(transport, ended: ended)
        let output = try mux.openStream(1)
        let bytes =
            [0xA3, 0x61, 0x64, 0x42, 0x68, 0x69, 0x61, 0x73, 0x01, 0x61, 0x74, 0x02]  // Data 1 "hi"
            + [0xA1, 0x61, 0x74, 0x18, 0xC8]  // type 200, unknown
            + [0xA2, 0x61, 0x73, 0x01, 0x61, 0x74, 0x03]  // EOF stream 1
        for byte in bytes { transport.feed([UInt8(byte)]) }
        var collected: [UInt8] = []
        for try await chunk in output { collected += chunk }
        #expect(collected == Array("hi".utf8))
    }
}
