// Figures for the report, not timed tests: run with MPROXY_FS_BENCHMARKS=1 (release build, and
// MPROXY_AGENT set to the static agent if wanted). Prints p50/p99 and rates; asserts only correctness.

import AgentProto
import Foundation
import Testing
import WorkspaceFS

@Suite("WorkspaceFS: benchmarks", .enabled(if: ProcessInfo.processInfo.environment["MPROXY_FS_BENCHMARKS"] == "1"))
struct WorkspaceFSBenchmarks {
    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    @Test("stat p50, small files/s, readdir of 2000, bulk get/put", .timeLimit(.minutes(10)))
    func figures() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        for index in 0..<2000 { try directory.write("small/f\(index)", patternBytes(count: 1024, seed: UInt64(index))) }
        let agent = try await LocalAgent()
        defer { agent.finish() }
        let fs = agent.fileSystem

        var stats: [Double] = []
        for _ in 0..<2000 {
            let begin = Self.now()
            _ = try await fs.info(forFileAt: directory.path)
            stats.append(Self.now() - begin)
        }
        stats.sort()
        print(String(format: "stat: p50 %.1f us, p99 %.1f us", stats[1000] * 1e6, stats[1980] * 1e6))

        var listings: [Double] = []
        for _ in 0..<20 {
            let begin = Self.now()
            #expect(try await fs.contentsOfDirectory(at: directory.sub("small")).count == 2000)
            listings.append(Self.now() - begin)
        }
        listings.sort()
        print(String(format: "readdir of 2000 entries: p50 %.2f ms", listings[10] * 1e3))

        let begin = Self.now()
        try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<32 {
                group.addTask {
                    var total = 0
                    for index in stride(from: worker, to: 2000, by: 32) {
                        let bytes = try await fs.withFileHandle(forReadingAt: directory.sub("small/f\(index)")) {
                            handle throws(WorkspaceFSError) in
                            try await handle.readChunk(fromAbsoluteOffset: 0, length: 4096).bytes
                        }
                        total += bytes.count
                    }
                    return total
                }
            }
            var total = 0
            for try await count in group { total += count }
            #expect(total == 2000 * 1024)
        }
        print(
            String(
                format: "small files (1 KiB open+read+close, 32 in flight): %.0f files/s", 2000 / (Self.now() - begin)))

        let size = Int(ProcessInfo.processInfo.environment["MPROXY_FS_BENCH_BYTES"] ?? "") ?? 1 << 30
        try directory.write("big.bin", patternBytes(count: size, seed: 9))
        let transfer = FileTransfer(fileSystem: fs)
        var start = Self.now()
        try await transfer.upload(from: directory.sub("big.bin"), to: directory.sub("up.bin"))
        let put = Double(size) / (Self.now() - start) / 1_048_576
        start = Self.now()
        try await transfer.download(from: directory.sub("up.bin"), to: directory.sub("down.bin"))
        let get = Double(size) / (Self.now() - start) / 1_048_576
        print(String(format: "bulk %d MiB: put %.0f MiB/s, get %.0f MiB/s", size >> 20, put, get))
        start = Self.now()
        try await transfer.uploadTree(from: directory.sub("small"), to: directory.sub("small-up"))
        print(String(format: "put -r of 2000 x 1 KiB: %.0f files/s", 2000 / (Self.now() - start)))
        start = Self.now()
        try await transfer.downloadTree(from: directory.sub("small-up"), to: directory.sub("small-down"))
        print(String(format: "get -r of 2000 x 1 KiB: %.0f files/s", 2000 / (Self.now() - start)))
    }
}
