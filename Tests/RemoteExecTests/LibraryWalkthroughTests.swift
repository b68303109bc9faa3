import AgentProto
import Foundation
import RemoteExec
import Synchronization
import Testing
import WorkspaceFS

/// The README's library example, run for real against the local transport: a command with its
/// output and status, then a confined file service listing a directory and downloading a file.
@Suite("Library walkthrough (the README example)", .timeLimit(.minutes(1)))
struct LibraryWalkthroughTests {
    @Test func commandThenFiles() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("walkthrough-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: root + "/logs", withIntermediateDirectories: true)
        try Data("line one\n".utf8).write(to: URL(fileURLWithPath: root + "/logs/today.log"))
        defer { try? FileManager.default.removeItem(atPath: root) }

        let host = try await RemoteHost.connect(to: .local, options: RemoteHostOptions(agentPath: BuiltAgent.path))
        defer { host.close() }

        let output = Mutex<[UInt8]>([])
        let status = try await host.run(RemoteCommand(executable: "ls", arguments: ["logs"], workingDirectory: root)) {
            process in
            try await process.standardInput.close()
            for try await chunk in process.standardOutput { output.withLock { $0 += chunk } }
        }
        #expect(status.code == 0)
        #expect(output.withLock { $0 } == Array("today.log\n".utf8))

        let service = try await host.startFileService(root: root)
        defer { service.close() }
        let files = RemoteFileSystem(client: service.mux, agentCapabilities: service.agentCapabilities ?? [])
        let listing = try await files.contentsOfDirectory(at: "logs")
        #expect(listing.map(\.name) == ["today.log"])
        #expect(listing.first?.size == 9)
        let local = root + "/downloaded.log"
        let copied = try await FileTransfer(fileSystem: files).download(from: "logs/today.log", to: local)
        #expect(copied == 9)
        #expect(FileManager.default.contents(atPath: local) == Data("line one\n".utf8))
    }
}
