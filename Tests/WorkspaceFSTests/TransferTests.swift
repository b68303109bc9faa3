import AgentProto
import Foundation
import SystemPackage
import Testing
import WorkspaceFS

@Suite("FileTransfer against the real agent", .timeLimit(.minutes(1)))
struct TransferTests {
    @Test func windowNeverSpansMoreThanItsCapacity() {
        var window = TransferWindow(chunkLength: 10, capacity: 3, endOffset: 100)
        let first = (0..<5).compactMap { _ in window.nextChunk() }
        #expect(first.map(\.offset) == [0, 10, 20])
        window.finished(10)
        // Chunk 0 is still out, so 30 would make the span four chunks: nothing more yet.
        #expect(window.nextChunk() == nil)
        window.finished(0)
        #expect(window.nextChunk()?.offset == 30)
        window.end(at: 35)
        window.finished(20)
        #expect(window.nextChunk() == nil)
        window.finished(30)
        #expect(window.isComplete)
        #expect(window.resumeOffset(forPartialSize: 95) == 60)
        #expect(window.resumeOffset(forPartialSize: 20) == 0)
    }

    @Test func largeFileRoundTrip() async throws {
        let size = Int(ProcessInfo.processInfo.environment["MPROXY_FS_LARGE_BYTES"] ?? "") ?? 64 << 20
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let content = patternBytes(count: size + 12345, seed: 7)
        try directory.write("source.bin", content, mode: 0o640)
        let agent = try await LocalAgent()
        defer { agent.finish() }
        var options = TransferOptions()
        options.preservesAttributes = true
        let transfer = FileTransfer(fileSystem: agent.fileSystem, options: options)
        #expect(
            try await transfer.upload(from: directory.sub("source.bin"), to: directory.sub("remote.bin"))
                == Int64(content.count))
        #expect(
            try await transfer.download(from: directory.sub("remote.bin"), to: directory.sub("back.bin"))
                == Int64(content.count))
        let isIntact = directory.read("back.bin") == content
        #expect(isIntact)
        let original = try FileManager.default.attributesOfItem(atPath: directory.sub("source.bin"))
        let copied = try FileManager.default.attributesOfItem(atPath: directory.sub("back.bin"))
        #expect(copied[.posixPermissions] as? Int == 0o640)
        #expect(copied[.modificationDate] as? Date == original[.modificationDate] as? Date)
        #expect(!FileManager.default.fileExists(atPath: directory.sub(".remote.bin.mproxy-part")))
    }

    @Test func treeWithSymlinksEmptyDirectoriesAndOddNames() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let names = ["plain.txt", "with space.txt", "new\nline", "ünïcödé", "-dash", "quote'\"s"]
        for (index, name) in names.enumerated() {
            try directory.write(
                "src/sub dir/\(name)", patternBytes(count: 1000 * index + 1, seed: UInt64(index)), mode: 0o600 + index)
        }
        try FileManager.default.createDirectory(
            atPath: directory.sub("src/empty/deeper"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: directory.sub("src/rel-link"), withDestinationPath: "sub dir/plain.txt")
        try FileManager.default.createSymbolicLink(
            atPath: directory.sub("src/dangling"), withDestinationPath: "/nowhere/at/all")
        let agent = try await LocalAgent()
        defer { agent.finish() }
        var options = TransferOptions()
        options.preservesAttributes = true
        let transfer = FileTransfer(fileSystem: agent.fileSystem, options: options)
        try await transfer.uploadTree(from: directory.sub("src"), to: directory.sub("remote"))
        try await transfer.downloadTree(from: directory.sub("remote"), to: directory.sub("back"))
        for (index, name) in names.enumerated() {
            #expect(
                directory.read("back/sub dir/\(name)") == patternBytes(count: 1000 * index + 1, seed: UInt64(index)))
            let attributes = try FileManager.default.attributesOfItem(atPath: directory.sub("back/sub dir/\(name)"))
            #expect(attributes[.posixPermissions] as? Int == 0o600 + index)
        }
        #expect(
            try FileManager.default.destinationOfSymbolicLink(atPath: directory.sub("back/rel-link"))
                == "sub dir/plain.txt")
        #expect(
            try FileManager.default.destinationOfSymbolicLink(atPath: directory.sub("back/dangling"))
                == "/nowhere/at/all")
        var isDirectory: ObjCBool = false
        #expect(
            FileManager.default.fileExists(atPath: directory.sub("back/empty/deeper"), isDirectory: &isDirectory)
                && isDirectory.boolValue)
        let sourceTime =
            try FileManager.default.attributesOfItem(atPath: directory.sub("src/sub dir"))[.modificationDate] as? Date
        let copiedTime =
            try FileManager.default.attributesOfItem(atPath: directory.sub("back/sub dir"))[.modificationDate] as? Date
        #expect(sourceTime == copiedTime)
    }

    @Test func twoThousandSmallFiles() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        for index in 0..<2000 {
            try directory.write("many/d\(index / 100)/f\(index)", patternBytes(count: 1024, seed: UInt64(index)))
        }
        let agent = try await LocalAgent()
        defer { agent.finish() }
        let transfer = FileTransfer(fileSystem: agent.fileSystem)
        #expect(try await transfer.uploadTree(from: directory.sub("many"), to: directory.sub("remote")) == 2000 * 1024)
        #expect(
            try await transfer.downloadTree(from: directory.sub("remote"), to: directory.sub("back")) == 2000 * 1024)
        for index in stride(from: 0, to: 2000, by: 37) {
            #expect(directory.read("back/d\(index / 100)/f\(index)") == patternBytes(count: 1024, seed: UInt64(index)))
        }
        let listing = try await agent.fileSystem.walk(at: directory.sub("back"))
        #expect(listing.count == 2020)
    }

    @Test func resumeCompletesAPartialPutWhateverTheTailHolds() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let content = patternBytes(count: 9 << 20, seed: 3)
        try directory.write("source.bin", content)
        // An interrupted put with a window of 4: the first 5 MiB written, two chunks still in flight
        // (a hole of zeros) and the chunk after them done.
        var partial = Array(content[0..<(5 << 20)]) + [UInt8](repeating: 0, count: 512 << 10)
        partial += content[(5 << 20) + (512 << 10)..<(5 << 20) + (768 << 10)]
        try directory.write(".remote.bin.mproxy-part", partial)
        let agent = try await LocalAgent()
        defer { agent.finish() }
        var options = TransferOptions()
        options.resumes = true
        options.window = 4
        let transfer = FileTransfer(fileSystem: agent.fileSystem, options: options)
        let sent = try await transfer.upload(from: directory.sub("source.bin"), to: directory.sub("remote.bin"))
        #expect(sent < Int64(content.count))
        let isIntact = directory.read("remote.bin") == content
        #expect(isIntact)
        #expect(directory.read(".remote.bin.mproxy-part") == nil)
    }

    @Test func confinementRefusesEscapes() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        try directory.write("workspace/inside.txt", Array("in".utf8))
        try directory.write("outside/secret", Array("secret".utf8))
        try FileManager.default.createSymbolicLink(
            atPath: directory.sub("workspace/out"), withDestinationPath: "../outside/secret")
        try FileManager.default.createSymbolicLink(
            atPath: directory.sub("workspace/outdir"), withDestinationPath: "../outside")
        try FileManager.default.createSymbolicLink(
            atPath: directory.sub("workspace/absolute"), withDestinationPath: directory.sub("outside/secret"))
        try FileManager.default.createSymbolicLink(
            atPath: directory.sub("workspace/good"), withDestinationPath: "inside.txt")
        let agent = try await LocalAgent(root: directory.sub("workspace"))
        defer { agent.finish() }
        let fs = agent.fileSystem
        let root = try await fs.currentDirectory()
        #expect(root.hasSuffix("/workspace"))
        #expect(
            try await fs.withFileHandle(forReadingAt: "good") { handle throws(WorkspaceFSError) in
                try await handle.readToEnd()
            } == Array("in".utf8))
        #expect(try await fs.info(forFileAt: root + "/inside.txt").size == 2)
        let escapes = [
            "../outside/secret", "out", "outdir/secret", "absolute", directory.sub("outside/secret"), "/etc/passwd",
            "..", "inside.txt/../../outside/secret",
        ]
        for path in escapes {
            await #expect(throws: WorkspaceFSError.self, "\(path)") { _ = try await fs.openFile(forReadingAt: path) }
            await #expect(throws: WorkspaceFSError.self, "\(path)") { _ = try await fs.info(forFileAt: path) }
        }
        await #expect(throws: WorkspaceFSError.self) { _ = try await fs.openFile(forWritingAt: "outdir/new") }
        await #expect(throws: WorkspaceFSError.self) { try await fs.createDirectory(at: "../made") }
        await #expect(throws: WorkspaceFSError.self) { try await fs.moveItem(at: "inside.txt", to: "../moved") }
        await #expect(throws: WorkspaceFSError.self) { try await fs.setPermissions(0o777, at: "out") }
        await #expect(throws: WorkspaceFSError.self) { _ = try await fs.contentsOfDirectory(at: "outdir") }
        do {
            _ = try await fs.info(forFileAt: "../outside/secret")
        } catch {
            #expect(error.remoteErrno == .permissionDenied)
        }
        #expect(!FileManager.default.fileExists(atPath: directory.sub("made")))
        #expect(!FileManager.default.fileExists(atPath: directory.sub("outside/new")))
        #expect(directory.read("outside/secret") == Array("secret".utf8))
        // Inside the root everything still works, symlinks that stay inside included.
        try await fs.createDirectory(at: "a/b/c", withIntermediateDirectories: true)
        try await fs.createSymbolicLink(at: "a/up", withDestination: "../inside.txt")
        #expect(try await fs.info(forFileAt: "a/up").size == 2)
        try await fs.removeItem(at: "a", recursively: true)
        #expect(
            try await fs.contentsOfDirectory(at: ".").map(\.name) == [
                "absolute", "good", "inside.txt", "out", "outdir",
            ])
    }
}
