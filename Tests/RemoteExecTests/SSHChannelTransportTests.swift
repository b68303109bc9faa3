import AgentProto
import Synchronization
import Testing

@testable import RemoteExec

/// A mux stand-in that records what the transport delivers and hands it queued bytes.
final class RecordingEndpoint: FrameTransportEndpoint {
    enum Event: Sendable {
        case bytes([UInt8])
        case ended(String?)
        case sendFailed(String)
    }

    private let outbound = Mutex<[[UInt8]]>([])
    let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation

    init() {
        (events, continuation) = AsyncStream.makeStream()
    }

    func queue(_ bytes: [UInt8]) { outbound.withLock { $0.append(bytes) } }

    func receive(_ bytes: UnsafeRawBufferPointer) { continuation.yield(.bytes(Array(bytes))) }
    var isReceivingPaused: Bool { false }
    func receiveEnded(_ error: (any Error)?) {
        continuation.yield(.ended(error.map { "\($0)" }))
        continuation.finish()
    }
    func takeOutboundBytes() -> [UInt8]? {
        outbound.withLock { queue in queue.isEmpty ? nil : queue.removeFirst() }
    }
    func sendFailed(_ error: any Error) { continuation.yield(.sendFailed("\(error)")) }
}

@Suite("SSHChannelTransport carries a mux's bytes over an exec channel", .timeLimit(.minutes(1)))
struct SSHChannelTransportTests {
    @Test("frames written to the agent's stdin come back from its stdout (cat), then close ends both ways")
    func echo() async throws {
        try await withTestSSHServer { server in
            let connection = try await server.connect()
            defer { connection.close() }
            let transport = try await connection.startTransport(command: "echo agent-log >&2; cat")
            let endpoint = RecordingEndpoint()
            let frames = CBORStreamEncoder.encode([Frame.data(stream: 1, Array("hello".utf8)), Frame.eof(stream: 1)])
            endpoint.queue(Array(frames.prefix(3)))
            endpoint.queue(Array(frames.dropFirst(3)))
            transport.start(endpoint)
            transport.outboundBytesAvailable()
            var received: [UInt8] = []
            var ending: String??
            for await event in endpoint.events {
                switch event {
                case .bytes(let bytes):
                    received += bytes
                    if received.count == frames.count { transport.close() }
                case .ended(let error): ending = .some(error)
                case .sendFailed(let error): Issue.record("send failed: \(error)")
                }
            }
            #expect(received == frames)
            #expect(ending == .some(nil))
            var decoder = FrameDecoder()
            decoder.append(received)
            #expect(try decoder.next()?.data == Array("hello".utf8))
        }
    }

    @Test("a lost connection ends the transport with the disconnected error")
    func disconnect() async throws {
        try await withTestSSHServer { server in
            let connection = try await server.connect()
            defer { connection.close() }
            let transport = try await connection.startTransport(command: "cat")
            let endpoint = RecordingEndpoint()
            transport.start(endpoint)
            server.killConnections()
            var ending: String??
            for await event in endpoint.events {
                if case .ended(let error) = event { ending = .some(error) }
            }
            #expect(ending??.contains("disconnected") == true || ending??.contains("lost") == true)
        }
    }
}
