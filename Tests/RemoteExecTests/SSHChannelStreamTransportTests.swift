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
    /// What ``isAwaitingReply`` says.
    let awaitingReply = Atomic(false)
    let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation

    init() {
        (events, continuation) = AsyncStream.makeStream()
    }

    func queue(_ bytes: [UInt8]) { outbound.withLock { $0.append(bytes) } }

    func receive(_ bytes: UnsafeRawBufferPointer) { continuation.yield(.bytes(Array(bytes))) }
    var isReceivingPaused: Bool { false }
    var isAwaitingReply: Bool { awaitingReply.load(ordering: .relaxed) }
    func receiveEnded(_ error: (any Error)?) {
        continuation.yield(.ended(error.map { "\($0)" }))
        continuation.finish()
    }
    func takeOutboundBytes() -> [UInt8]? {
        outbound.withLock { queue in queue.isEmpty ? nil : queue.removeFirst() }
    }
    func sendFailed(_ error: any Error) { continuation.yield(.sendFailed("\(error)")) }
}

/// Collects what the agent wrote to its standard error.
final class StandardErrorLog: Sendable {
    let bytes = Mutex<[UInt8]>([])
    var text: String { String(decoding: bytes.withLock { $0 }, as: UTF8.self) }
    func append(_ chunk: [UInt8]) { bytes.withLock { $0 += chunk } }
}

@Suite("SSHChannelStreamTransport carries a mux's bytes over an exec channel", .timeLimit(.minutes(1)))
struct SSHChannelStreamTransportTests {
    @Test(
        "bytes read past the launch marker come first, then the agent's stdout (cat); stderr goes to its handler; close ends both ways"
    )
    func echo() async throws {
        try await withTestSSHServer { server in
            let connection = try await server.connect()
            defer { connection.close() }
            let channel = try await connection.execute("echo agent-log >&2; cat")
            let errors = StandardErrorLog()
            let leftover = Frame.data(stream: 2, Array("early".utf8)).encodedBytes()
            let transport = SSHChannelStreamTransport(
                channel: channel, leftover: leftover, standardError: errors.append)
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
                    if received.count == leftover.count + frames.count { transport.close() }
                case .ended(let error): ending = .some(error)
                case .sendFailed(let error): Issue.record("send failed: \(error)")
                }
            }
            #expect(received == leftover + frames)
            #expect(ending == .some(nil))
            var decoder = FrameDecoder()
            decoder.append(received)
            #expect(try decoder.next()?.data == Array("early".utf8))
            #expect(try decoder.next()?.data == Array("hello".utf8))
            #expect(errors.text == "agent-log\n")
        }
    }

    @Test("the channel has a reply due exactly when the mux on it has; a plain command never has")
    func awaitingReply() async throws {
        try await withTestSSHServer { server in
            let connection = try await server.connect()
            defer { connection.close() }
            let channel = try await connection.execute("cat")
            #expect(!channel.isAwaitingReply)
            let transport = SSHChannelStreamTransport(channel: channel, leftover: [], standardError: { _ in })
            let endpoint = RecordingEndpoint()
            endpoint.awaitingReply.store(true, ordering: .relaxed)
            transport.start(endpoint)
            #expect(channel.isAwaitingReply)
            endpoint.awaitingReply.store(false, ordering: .relaxed)
            #expect(!channel.isAwaitingReply)
            transport.close()
            for await _ in endpoint.events {}
        }
    }

    @Test("a lost connection ends the transport with the disconnected error")
    func disconnect() async throws {
        try await withTestSSHServer { server in
            let connection = try await server.connect()
            defer { connection.close() }
            let channel = try await connection.execute("cat")
            let transport = SSHChannelStreamTransport(channel: channel, leftover: [], standardError: { _ in })
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
