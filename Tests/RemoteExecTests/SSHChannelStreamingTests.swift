import Foundation
import Synchronization
import Testing

@testable import RemoteExec

@Suite("SSH channels as byte streams", .timeLimit(.minutes(1)))
struct SSHChannelStreamingTests {
    /// Deterministic bytes that are not all alike, so a lost or reordered chunk changes the digest.
    static func pattern(count: Int) -> [UInt8] {
        var state: UInt32 = 0x1234_5678
        return (0..<count).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: state >> 24)
        }
    }

    /// `sha256sum` of `bytes` computed locally, the reference for the remote digest.
    static func localSHA256(of bytes: [UInt8], in directory: URL) async throws -> String {
        try await onDedicatedThread {
            let file = directory.appendingPathComponent("digest-input")
            try Data(bytes).write(to: file)
            let result = try LocalProcess.run("/usr/bin/sha256sum", arguments: [file.path])
            return String(decoding: result.standardOutput, as: UTF8.self).split(separator: " ").first.map(String.init)
                ?? ""
        }
    }

    @Test("4 MiB through stdin come back through stdout unchanged, and sha256sum agrees")
    func stdinRoundTrip() async throws {
        try await withTestSSHServer { server in
            let connection = try await server.connect()
            defer { connection.close() }
            let input = Self.pattern(count: 4 << 20)
            let channel = try await connection.execute("cat")
            async let echoed: [UInt8] = {
                var bytes: [UInt8] = []
                for try await chunk in channel.output where chunk.stream == .standardOutput { bytes += chunk.bytes }
                return bytes
            }()
            var offset = 0
            while offset < input.count {
                let end = min(input.count, offset + 100_000)
                try await channel.write(Array(input[offset..<end]))
                offset = end
            }
            channel.closeInput()
            let output = try await echoed
            #expect(output.count == input.count)
            #expect(output == input)
            #expect(try await channel.exitStatus() == .exited(0))

            let remoteDigest = try await connection.run("sha256sum", standardInput: input)
            let localDigest = try await Self.localSHA256(of: input, in: server.directory)
            #expect(remoteDigest.status == .exited(0))
            #expect(remoteDigest.standardOutputText == "\(localDigest)  -\n")
        }
    }

    @Test("20 commands run at once on one connection, each on its own channel")
    func concurrentChannels() async throws {
        try await withTestSSHServer { server in
            let connection = try await server.connect()
            defer { connection.close() }
            let results = try await withThrowingTaskGroup(of: (Int, SSHCommandResult).self) { group in
                for index in 0..<20 {
                    group.addTask {
                        (index, try await connection.run("sleep 0.2; echo channel-\(index); exit \(index)"))
                    }
                }
                var results: [Int: SSHCommandResult] = [:]
                for try await (index, result) in group { results[index] = result }
                return results
            }
            #expect(results.count == 20)
            for (index, result) in results {
                #expect(result.standardOutputText == "channel-\(index)\n")
                #expect(result.status == .exited(Int32(index)))
            }
        }
    }

    @Test("a slow reader holds the server back without losing bytes (output above the high watermark)")
    func backPressure() async throws {
        try await withTestSSHServer { server in
            let connection = try await server.connect()
            defer { connection.close() }
            let channel = try await connection.execute("head -c 8388608 /dev/zero")
            channel.closeInput()
            var total = 0
            var iterator = channel.output.makeAsyncIterator()
            while let chunk = try await iterator.next() {
                total += chunk.bytes.count
                #expect(chunk.bytes.allSatisfy { $0 == 0 })
                if total == chunk.bytes.count {
                    // Stall after the first chunk: the server must be held back, not buffered in full.
                    try await Task.sleep(for: .milliseconds(300))
                    let queued = channel.state.withLock { $0.outputByteCount }
                    #expect(queued <= 4 << 20, "queued \(queued) bytes while the reader stalled")
                }
            }
            #expect(total == 8 << 20)
            #expect(try await channel.exitStatus() == .exited(0))
        }
    }

    @Test("upload writes the file atomically with its mode, creating directories; paths with quotes work")
    func upload() async throws {
        try await withTestSSHServer { server in
            let connection = try await server.connect()
            defer { connection.close() }
            let bytes = Self.pattern(count: 300_000)
            let path = server.directory.appendingPathComponent("up load/it's here/agent").path
            try await connection.upload(bytes: bytes, to: path, mode: 0o700)
            let check = try await connection.run(
                "stat -c %a \(ShellQuoting.quote(path)) && cat \(ShellQuoting.quote(path))")
            let text = check.standardOutput
            #expect(Array(text.prefix(4)) == Array("700\n".utf8))
            #expect(Array(text.dropFirst(4)) == bytes)
            let leftovers = try await connection.run(
                "ls -a \(ShellQuoting.quote(server.directory.appendingPathComponent("up load/it's here").path))")
            #expect(leftovers.standardOutputText == ".\n..\nagent\n")
        }
    }

    @Test("upload into a directory that cannot be created fails with the remote error")
    func uploadFailure() async throws {
        try await withTestSSHServer { server in
            let connection = try await server.connect()
            defer { connection.close() }
            let blocker = server.directory.appendingPathComponent("file").path
            _ = try await connection.run("touch \(ShellQuoting.quote(blocker))")
            let error = await #expect(throws: SSHError.self) {
                try await connection.upload(bytes: [1, 2, 3], to: blocker + "/sub/agent")
            }
            #expect(error?.code == .commandFailed)
            #expect(error?.message.contains("Not a directory") == true)
        }
    }
}
