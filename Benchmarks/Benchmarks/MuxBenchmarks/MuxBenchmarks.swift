import AgentProto
import Benchmark
import Glibc

/// Two muxes over a Unix socketpair, each on a `FileDescriptorTransport`: the client side and an
/// agent-like side that answers file operations at once and drains stream 0.
final class SocketPairConnection: Sendable {
    let client: Mux
    let agent: Mux
    let input: MuxStream

    init(observer: (any FrameObserver)? = nil) throws {
        var descriptors: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &descriptors) == 0 else {
            fatalError("socketpair failed: errno \(errno)")
        }
        var handlers = MuxHandlers()
        handlers.fileOperation = { request, reply in
            try? reply.send(FileOperationResponse(status: FileStatus(name: request.path, mode: 0o644)))
        }
        client = Mux(
            transport: try FileDescriptorTransport(
                reading: descriptors[0], writing: descriptors[0], closesDescriptors: true),
            configuration: MuxConfiguration(observer: observer))
        agent = Mux(
            transport: try FileDescriptorTransport(
                reading: descriptors[1], writing: descriptors[1], closesDescriptors: true),
            handlers: handlers)
        input = try agent.openStream(0)
        client.start()
        agent.start()
    }

    func close() {
        client.close()
        agent.close()
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(3))

    Benchmark("file-op RPC round trip over a socketpair", configuration: .init(maxIterations: 50_000)) { benchmark in
        let connection = try SocketPairConnection()
        defer { connection.close() }
        let request = FileOperationRequest(operation: .stat, path: "/")
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try await connection.client.fileOperation(request))
        }
        benchmark.stopMeasurement()
    }

    // 64 MiB of stdin Data frames, 32 KiB each, from the client mux to the agent mux, with and
    // without a recorder observing every frame.
    let chunk = [UInt8](repeating: 0x61, count: 32 << 10)
    let chunkCount = 2048
    for recording in [false, true] {
        Benchmark(
            "Data throughput 64 MiB, recording \(recording ? "on" : "off")",
            configuration: .init(metrics: [.wallClock], scalingFactor: .one, maxIterations: 20)
        ) { benchmark in
            let path = "/tmp/mproxy-bench-\(getpid()).cbor"
            defer { unlink(path) }
            var observer: CommandRecording?
            var recorder: Recorder?
            if recording {
                recorder = try Recorder(path: path, header: SessionHeader(version: "bench"))
                observer = try recorder?.startCommand(ExecRequest(path: "/bin/cat"))
            }
            let connection = try SocketPairConnection(observer: observer)
            defer { connection.close() }
            benchmark.startMeasurement()
            async let drained: Int = {
                var total = 0
                for try await bytes in connection.input { total += bytes.count }
                return total
            }()
            for _ in 0..<chunkCount { try await connection.client.send(.data(stream: 0, chunk)) }
            try await connection.client.send(.eof(stream: 0))
            let total = try await drained
            benchmark.stopMeasurement()
            precondition(total == chunk.count * chunkCount, "lost data: \(total)")
            try observer?.finish(exitCode: 0)
            try recorder?.close()
        }
    }
}
