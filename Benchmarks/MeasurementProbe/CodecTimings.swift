import AgentProto

/// Decode times of the frames DESIGN.md §8 names, on the bytes the Go encoder would write; the
/// bytes go out too, so `scripts/bench` times cbor2 on exactly the same input.
enum CodecTimings {
    static let frames: [(name: String, frame: Frame)] = [
        ("Exit", .exit(code: 0)),
        (
            "FileOp Stat",
            .fileOperation(
                FileOperationRequest(id: 4711, operation: .stat, path: "/home/builder/project/Package.swift"))
        ),
        ("Data 64 B", .data(stream: 1, [UInt8](repeating: 0x5a, count: 64))),
        ("Data 32 KiB", .data(stream: 1, [UInt8](repeating: 0x5a, count: 32 << 10))),
    ]

    /// For each frame: the median over 31 batches of `iterations` decodes, in ns per decode.
    static func measure(iterations: Int) -> [String: Any] {
        var results: [[String: Any]] = []
        for (name, frame) in frames {
            let bytes = frame.encodedBytes()
            var checksum = 0
            var batches: [Double] = []
            for _ in 0..<31 {
                let start = ContinuousClock.now
                for _ in 0..<iterations {
                    // A frame that fails to decode counts as a different checksum, which the caller ignores;
                    // what matters is that the optimiser cannot drop the decode.
                    checksum &+= (try? Frame(cborBytes: bytes))?.data.count ?? 1
                }
                batches.append((ContinuousClock.now - start).microseconds * 1000 / Double(iterations))
            }
            batches.sort()
            results.append([
                "name": name, "ns_p50": batches[batches.count / 2], "bytes_hex": hex(bytes), "size": bytes.count,
                "checksum": checksum,
            ])
        }
        return ["frames": results]
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }
}
