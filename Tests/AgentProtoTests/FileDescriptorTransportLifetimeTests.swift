import AgentProto
import Foundation
import Testing

/// A transport leaves nothing behind once closed: a long-running client opens and closes many.
@Suite("FileDescriptorTransport lifetime", .timeLimit(.minutes(1)))
struct FileDescriptorTransportLifetimeTests {
    /// Transport threads ("mux-reader", "mux-writer") of this process, from /proc. Only those: the
    /// suites running alongside (mproxy children's pipe readers, SSH session threads) start and end
    /// threads of their own at any moment.
    static func threadCount() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").filter { task in
            let name = (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)) ?? ""
            return name.hasPrefix("mux-")
        }.count
    }

    /// This process's virtual size in KiB: a finished thread nobody joined keeps its 8 MiB stack mapped.
    static func virtualSizeKiB() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmSize:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    @Test("opening and closing 200 connections leaves no threads or thread stacks behind")
    func noThreadsLeftBehind() async throws {
        let before = try Self.threadCount()
        let sizeBefore = try Self.virtualSizeKiB()
        for _ in 0..<200 {
            let pair = try SocketPair()
            let client = Mux(
                transport: try FileDescriptorTransport(
                    reading: pair.first, writing: pair.first, closesDescriptors: true))
            let agent = Mux(
                transport: try FileDescriptorTransport(
                    reading: pair.second, writing: pair.second, closesDescriptors: true))
            client.start()
            agent.start()
            try await client.send(.eof(stream: 0))
            client.close()
            agent.close()
        }
        // The threads end asynchronously after close; give them a moment, bounded.
        var after = try Self.threadCount()
        for _ in 0..<100 where after > before + 4 {
            try await Task.sleep(for: .milliseconds(20))
            after = try Self.threadCount()
        }
        #expect(after <= before + 4, "\(after - before) threads remain after 200 closed connections")
        // 400 unjoined threads keep about 6.8 GiB mapped (stacks and guard pages); malloc arenas of
        // the threads that did run account for a few hundred MiB that is reused.
        let grownMiB = (try Self.virtualSizeKiB() - sizeBefore) / 1024
        #expect(grownMiB < 2048, "virtual size grew by \(grownMiB) MiB")
    }
}
