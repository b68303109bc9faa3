// Measurement for the ordo-one Benchmarks package: a file-op RPC round trip through two muxes over a
// socketpair (target ≤ 20 µs p50). Not compiled by the root package; add it to a benchmark target.
import AgentProto

#if canImport(Glibc)
import Glibc
#endif

/// Times `iterations` sequential file-operation round trips between a client mux and an agent mux
/// connected by an AF_UNIX socketpair, the agent answering on its receiving thread.
///
/// - Returns: the duration of each round trip, in call order (after `warmUp` untimed calls).
public func measureMuxFileOperationRoundTrips(iterations: Int, warmUp: Int = 1000) async throws -> [Duration] {
    var descriptors: [Int32] = [-1, -1]
    guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &descriptors) == 0 else {
        throw TransportError(.setupFailed, systemErrorNumber: errno, "socketpair failed")
    }
    var handlers = MuxHandlers()
    handlers.fileOperation = { request, reply in
        try? reply.send(FileOperationResponse(path: request.path))
    }
    let client = Mux(
        transport: try FileDescriptorTransport(reading: descriptors[0], writing: descriptors[0], closesDescriptors: true))
    let agent = Mux(
        transport: try FileDescriptorTransport(reading: descriptors[1], writing: descriptors[1], closesDescriptors: true),
        handlers: handlers)
    client.start()
    agent.start()
    defer {
        client.close()
        agent.close()
    }
    let request = FileOperationRequest(operation: FileOperationCode(rawValue: 3), path: "/tmp/benchmark")
    for _ in 0..<warmUp { _ = try await client.fileOperation(request) }
    let clock = ContinuousClock()
    var durations: [Duration] = []
    durations.reserveCapacity(iterations)
    for _ in 0..<iterations {
        let start = clock.now
        _ = try await client.fileOperation(request)
        durations.append(clock.now - start)
    }
    return durations
}
