// Figures for the report, not timed tests: run with MPROXY_AGENT_BENCHMARKS=1 (and MPROXY_AGENT set to
// the static release build). Prints p50/p99 and rates; asserts only correctness.

import AgentProto
import Foundation
import Testing

@Suite("mproxy-agent: benchmarks", .enabled(if: ProcessInfo.processInfo.environment["MPROXY_AGENT_BENCHMARKS"] == "1"))
struct AgentBenchmarks {
    static func percentiles(_ samples: [Double]) -> String {
        let sorted = samples.sorted()
        let p50 = sorted[sorted.count / 2] * 1000
        let p99 = sorted[min(sorted.count - 1, sorted.count * 99 / 100)] * 1000
        return String(format: "p50 %.3f ms, p99 %.3f ms", p50, p99)
    }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    @Test("start to first frame, exec /bin/true, Stat RPC, small files, cat throughput", .timeLimit(.minutes(5)))
    func figures() async throws {
        var starts: [Double] = []
        for _ in 0..<50 {
            let begin = Self.now()
            let agent = try AgentProcess()
            agent.start()
            try await agent.mux.send(.config(AgentConfiguration(extensions: ["hello"])))
            _ = try await agent.mux.fileOperation(FileOperationRequest(operation: .getWorkingDirectory))
            starts.append(Self.now() - begin)
            _ = agent.finish()
        }
        print("agent spawn to first answer (hello+Getwd):", Self.percentiles(starts))

        var execs: [Double] = []
        for _ in 0..<100 {
            let begin = Self.now()
            let result = try await AgentProcess.run(ExecRequest(path: "/bin/true", arguments: ["true"]), input: nil)
            execs.append(Self.now() - begin)
            #expect(result.status.code == 0)
        }
        print("exec /bin/true incl. agent start:", Self.percentiles(execs))

        let agent = try AgentProcess()
        agent.start()
        var stats: [Double] = []
        for _ in 0..<2000 {
            let begin = Self.now()
            _ = try await agent.mux.fileOperation(FileOperationRequest(operation: .stat, path: "/tmp"))
            stats.append(Self.now() - begin)
        }
        print("Stat RPC:", Self.percentiles(stats))
        let path = NSTemporaryDirectory() + "mproxy-bench-1k"
        _ = FileManager.default.createFile(atPath: path, contents: Data(repeating: 7, count: 1024))
        let begin = Self.now()
        for _ in 0..<2000 {
            let opened = try await agent.mux.fileOperation(FileOperationRequest(operation: .open, path: path))
            _ = try await agent.mux.fileOperation(
                FileOperationRequest(operation: .readAt, handle: opened.handle, size: 1024))
            _ = try await agent.mux.fileOperation(FileOperationRequest(operation: .close, handle: opened.handle))
        }
        print(String(format: "1 KiB open+read+close: %.0f files/s (sequential)", 2000 / (Self.now() - begin)))
        _ = agent.finish()

        let catAgent = try AgentProcess()
        let output = try catAgent.mux.openStream(1)
        catAgent.start()
        let start = Self.now()
        try await catAgent.mux.send(
            .exec(ExecRequest(path: "/bin/sh", arguments: ["sh", "-c", "head -c 1073741824 /dev/zero"])))
        var total = 0
        for try await chunk in output { total += chunk.count }
        let seconds = Self.now() - start
        #expect(total == 1 << 30)
        print(String(format: "stdout throughput (1 GiB): %.0f MB/s", Double(total) / seconds / 1e6))
        _ = catAgent.finish()
    }
}
