import AgentProto
import Benchmark

/// Frames the benchmarks encode and decode: the control frames of a typical session, a full-size
/// Data frame, and a 1 MiB stream mixing them.
enum Samples {
    static let exec = Frame.exec(
        ExecRequest(
            path: "/usr/bin/make",
            arguments: ["make", "-j8", "all"],
            environment: (0..<30).map { "VARIABLE_\($0)=/some/typical/value/\($0)" },
            workingDirectory: "/home/builder/project"))
    static let stat = Frame.fileOperation(
        FileOperationRequest(id: 4711, operation: .stat, path: "/home/builder/project/Package.swift"))
    static let exit = Frame.exit(code: 0)
    static let data = Frame.data(stream: 1, [UInt8](repeating: 0x5a, count: 32 << 10))
    static let mixedStream: [UInt8] = {
        var frames: [Frame] = []
        var size = 0
        while size < 1 << 20 {
            for frame in [exec, stat, .data(stream: 1, [UInt8](repeating: 1, count: 4096)), data, exit] {
                frames.append(frame)
                size += frame.encodedSize
            }
        }
        return CBORStreamEncoder.encode(frames)
    }()
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        maxDuration: .seconds(2),
        maxIterations: 200_000
    )

    for (name, frame) in [("Exec, 30 env", Samples.exec), ("FileOp Stat", Samples.stat), ("Exit", Samples.exit)] {
        let bytes = frame.encodedBytes()
        Benchmark("decode \(name)") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try Frame(cborBytes: bytes)) }
        }
        Benchmark("encode \(name)") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(frame.encodedBytes()) }
        }
    }

    let dataBytes = Samples.data.encodedBytes()
    Benchmark("decode Data 32 KiB") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try Frame(cborBytes: dataBytes)) }
    }
    Benchmark("encode Data 32 KiB") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(Samples.data.encodedBytes()) }
    }

    let stream = Samples.mixedStream
    Benchmark("stream decode 1 MiB mixed") { benchmark in
        for _ in benchmark.scaledIterations {
            var decoder = FrameDecoder()
            decoder.append(stream)
            var count = 0
            while let frame = try decoder.next() {
                blackHole(frame)
                count += 1
            }
            blackHole(count)
        }
    }
}
