import AgentProto
import Foundation
import SystemPackage
import Testing
import WorkspaceFS

@Suite("RemoteFileSystem against the real agent", .timeLimit(.minutes(1)))
struct RemoteFileSystemTests {
    @Test func everyOperationIsReachable() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let agent = try await LocalAgent()
        defer { agent.finish() }
        let fs = agent.fileSystem
        let base = directory.path

        #expect(try await fs.currentDirectory().hasPrefix("/"))  // Getwd
        // MkdirAll
        try await fs.createDirectory(at: base + "/a/b/c", withIntermediateDirectories: true, permissions: 0o750)
        try await fs.createDirectory(at: base + "/single")  // Mkdir
        let created = try await fs.createFile(at: base + "/created.txt")  // Create
        try await created.close()  // Close
        let handle = try await fs.openFile(
            forWritingAt: base + "/file.txt", options: [.create, .read], permissions: 0o640)  // OpenFile
        try await handle.write(contentsOf: Array("hello world".utf8), toAbsoluteOffset: 0)  // WriteAt
        #expect(try await handle.info().size == 11)  // Fstat
        try await handle.resize(to: 5)  // Ftruncate
        try await handle.synchronize()  // Fsync
        try await handle.close()
        let text = try await fs.withFileHandle(forReadingAt: base + "/file.txt") { handle throws(WorkspaceFSError) in
            try await handle.readToEnd()
        }  // Open, ReadAt
        #expect(text == Array("hello".utf8))
        let info = try await fs.info(forFileAt: base + "/file.txt")  // Stat
        #expect(info.permissions == 0o640 && info.isRegularFile && info.size == 5)
        try await fs.setPermissions(0o600, at: base + "/file.txt")  // Chmod
        try await fs.setOwner(uid: nil, gid: nil, at: base + "/file.txt")  // Chown (unchanged)
        try await fs.truncateFile(at: base + "/file.txt", to: 3)  // Truncate
        try await fs.setTimes(access: 1_000_000_000, modification: 2_000_000_000, at: base + "/file.txt")  // Chtimes
        let changed = try await fs.info(forFileAt: base + "/file.txt")
        #expect(changed.permissions == 0o600 && changed.size == 3 && changed.modificationTime == 2_000_000_000)
        try await fs.moveItem(at: base + "/file.txt", to: base + "/renamed.txt")  // Rename
        try await fs.createHardLink(at: base + "/hard.txt", to: base + "/renamed.txt")  // Link
        try await fs.createSymbolicLink(at: base + "/sym.txt", withDestination: "renamed.txt")  // Symlink
        #expect(try await fs.destinationOfSymbolicLink(at: base + "/sym.txt") == "renamed.txt")  // Readlink
        #expect(try await fs.info(forFileAt: base + "/sym.txt", infoAboutSymbolicLink: true).isSymbolicLink)  // Lstat
        let names = try await fs.contentsOfDirectory(at: base).map(\.name)  // ReadDir
        #expect(names == ["a", "created.txt", "hard.txt", "renamed.txt", "single", "sym.txt"])
        #expect(try await fs.fileSystemInfo(at: base).maximumNameLength > 0)  // Statfs
        try await fs.removeSingleItem(at: base + "/hard.txt")  // Remove
        #expect(try await fs.infoIfExists(forFileAt: base + "/hard.txt") == nil)
    }

    @Test func errorsKeepTheRemoteErrno() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        try directory.write("full/file", [1])
        let agent = try await LocalAgent()
        defer { agent.finish() }
        let fs = agent.fileSystem
        let cases: [(Errno, () async throws(WorkspaceFSError) -> Void)] = [
            (
                .noSuchFileOrDirectory,
                { () throws(WorkspaceFSError) in _ = try await fs.info(forFileAt: directory.sub("missing")) }
            ),
            (
                .directoryNotEmpty,
                { () throws(WorkspaceFSError) in try await fs.removeSingleItem(at: directory.sub("full")) }
            ),
            (.fileExists, { () throws(WorkspaceFSError) in try await fs.createDirectory(at: directory.sub("full")) }),
            (
                .notDirectory,
                { () throws(WorkspaceFSError) in _ = try await fs.contentsOfDirectory(at: directory.sub("full/file")) }
            ),
            (
                .invalidArgument,
                { () throws(WorkspaceFSError) in _ = try await fs.destinationOfSymbolicLink(at: directory.sub("full")) }
            ),
        ]
        for (expected, body) in cases {
            do {
                try await body()
                Issue.record("expected \(expected)")
            } catch {
                #expect(error.code == .remote)
                #expect(error.remoteErrno == expected)
                #expect(error.cause is RemoteErrno)
            }
        }
    }

    @Test func recursiveRemoveAndWalk() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        for index in 0..<50 { try directory.write("tree/d\(index % 5)/sub/f\(index)", [UInt8(index)]) }
        try FileManager.default.createSymbolicLink(atPath: directory.sub("tree/link"), withDestinationPath: "/")
        let agent = try await LocalAgent()
        defer { agent.finish() }
        let walked = try await agent.fileSystem.walk(at: directory.sub("tree"))
        #expect(walked.count == 61)  // 5 d*, 5 sub, 50 files, 1 link
        #expect(walked.first?.relativePath == "d0")
        #expect(walked.contains { $0.relativePath == "link" && $0.info?.isSymbolicLink == true })
        let removed = try await agent.fileSystem.removeItem(at: directory.sub("tree"), recursively: true)
        #expect(removed == 62)
        #expect(!FileManager.default.fileExists(atPath: directory.sub("tree")))
    }

    @Test("Under a workspace root, an open file reports the client's path: Fstat's name and errors")
    func confinedHandlesKeepTheClientsPath() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        try directory.write("notes.txt", Array("hello".utf8))
        let agent = try await LocalAgent(root: directory.path)
        defer { agent.finish() }
        let handle = try await agent.fileSystem.openFile(forReadingAt: "notes.txt")
        #expect(try await handle.info().name == "notes.txt")
        do {
            _ = try await handle.readChunk(fromAbsoluteOffset: 0, length: 1 << 40)
            Issue.record("a 1 TiB read was accepted")
        } catch {
            #expect("\(error)".contains("notes.txt"), "\(error)")
            #expect(!"\(error)".contains("/proc/self/fd"), "\(error)")
        }
        try await handle.close()
    }

    @Test("A symbolic link's own times are set, not its target's, also under a root the target lies outside")
    func symbolicLinkTimes() async throws {
        let directory = try TemporaryDirectory()
        let outside = try TemporaryDirectory()
        defer {
            directory.cleanUp()
            outside.cleanUp()
        }
        try outside.write("target", Array("t".utf8))
        let targetTime = Date(timeIntervalSince1970: 1_000_000_000)
        try FileManager.default.setAttributes([.modificationDate: targetTime], ofItemAtPath: outside.sub("target"))
        try FileManager.default.createSymbolicLink(
            atPath: directory.sub("link"), withDestinationPath: outside.sub("target"))
        let agent = try await LocalAgent(root: directory.path)
        defer { agent.finish() }
        let files = RemoteFileSystem(client: agent.mux, setsSymbolicLinkTimes: true)
        let linkTime: Int64 = 1_577_836_800_250_000_000  // 2020-01-01 00:00:00.25 UTC

        try await files.setTimes(access: linkTime, modification: linkTime, at: "link", followingSymbolicLink: false)
        var status = stat()
        #expect(lstat(directory.sub("link"), &status) == 0)
        #expect(Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec) == linkTime)
        let target = try FileManager.default.attributesOfItem(atPath: outside.sub("target"))
        #expect(target[.modificationDate] as? Date == targetTime)

        // Following the link would leave the root.
        await #expect(throws: WorkspaceFSError.self) {
            try await files.setTimes(access: linkTime, modification: linkTime, at: "link")
        }
        // A file system that does not know the agent can do it refuses before anything is sent.
        do {
            try await agent.fileSystem.setTimes(access: 0, modification: 0, at: "link", followingSymbolicLink: false)
            Issue.record("setting a link's times was sent to an agent not known to support it")
        } catch {
            #expect(error.code == .invalidRequest)
        }
    }
}
