import AgentProto
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The transports the mux behaviour tests run over.
enum MuxTestTransport: String, CaseIterable, CustomStringConvertible, Sendable {
    case inMemory
    case inMemoryByteByByte
    case socketPair

    var description: String { rawValue }
}

/// A client mux and an agent mux connected by one of the test transports.
struct MuxTestConnection: Sendable {
    let client: Mux
    let agent: Mux
    private let cutConnection: @Sendable () -> Void

    init(
        _ kind: MuxTestTransport,
        client clientConfiguration: MuxConfiguration = MuxConfiguration(), clientHandlers: MuxHandlers = MuxHandlers(),
        agent agentConfiguration: MuxConfiguration = MuxConfiguration(), agentHandlers: MuxHandlers = MuxHandlers()
    ) throws {
        let clientTransport: any FrameTransport
        let agentTransport: any FrameTransport
        switch kind {
        case .inMemory, .inMemoryByteByByte:
            let pair = InMemoryTransportPair(maximumChunkSize: kind == .inMemory ? .max : 1)
            clientTransport = pair.first
            agentTransport = pair.second
            cutConnection = { pair.disconnect() }
        case .socketPair:
            let descriptors = try SocketPair()
            clientTransport = try FileDescriptorTransport(
                reading: descriptors.first, writing: descriptors.first, closesDescriptors: true)
            agentTransport = try FileDescriptorTransport(
                reading: descriptors.second, writing: descriptors.second, closesDescriptors: true)
            // A broken connection: each side receives the start of a frame, then the end of input.
            cutConnection = {
                var partialFrame: UInt8 = 0xA3
                _ = write(descriptors.first, &partialFrame, 1)
                _ = write(descriptors.second, &partialFrame, 1)
                _ = shutdown(descriptors.first, Int32(SHUT_RDWR))
                _ = shutdown(descriptors.second, Int32(SHUT_RDWR))
            }
        }
        client = Mux(transport: clientTransport, configuration: clientConfiguration, handlers: clientHandlers)
        agent = Mux(transport: agentTransport, configuration: agentConfiguration, handlers: agentHandlers)
    }

    func start() {
        client.start()
        agent.start()
    }

    /// Cuts the connection under both muxes.
    func cut() { cutConnection() }

    func close() {
        client.close()
        agent.close()
    }
}

/// A connected AF_UNIX stream socket pair.
struct SocketPair: Sendable {
    let first: Int32
    let second: Int32

    init() throws {
        var descriptors: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &descriptors) == 0 else {
            throw TransportError(.setupFailed, systemErrorNumber: errno, "socketpair failed")
        }
        first = descriptors[0]
        second = descriptors[1]
    }
}

/// Collects values from handlers on other threads.
final class Collected<Value: Sendable>: Sendable {
    let values = Mutex<[Value]>([])

    func append(_ value: Value) { values.withLock { $0.append(value) } }
    var all: [Value] { values.withLock { $0 } }
}

/// Completes once, from any thread; awaited by the test.
final class Completion<Value: Sendable>: Sendable {
    private let state = Mutex<(value: Value?, waiters: [CheckedContinuation<Value, Never>])>((nil, []))

    func complete(_ value: Value) {
        let waiters = state.withLock { state -> [CheckedContinuation<Value, Never>] in
            guard state.value == nil else { return [] }
            state.value = value
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: value) }
    }

    var value: Value {
        get async {
            await withCheckedContinuation { continuation in
                let value = state.withLock { state -> Value? in
                    if state.value == nil { state.waiters.append(continuation) }
                    return state.value
                }
                if let value { continuation.resume(returning: value) }
            }
        }
    }
}

/// Records every frame the mux reports, and can be told to fail.
final class RecordingObserver: FrameObserver {
    struct Failure: Error {}
    let frames = Collected<(FrameType, FrameDirection)>()
    let failing: Bool

    init(failing: Bool = false) { self.failing = failing }

    func observe(_ frame: Frame, direction: FrameDirection) throws {
        if failing { throw Failure() }
        frames.append((frame.type, direction))
    }
}

/// Runs blocking work (the agent's threads: `sendBlocking`, `readBlocking`) on a thread of its own,
/// never on the cooperative pool, and returns its result.
func onDedicatedThread<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.start()
    }
}
