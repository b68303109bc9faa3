// The built mproxy-agent as a child over pipes, with a RemoteFileSystem on its mux (file service).

import AgentProto
import Foundation
import WorkspaceFS

/// A running agent serving file operations to one test.
final class LocalAgent: Sendable {
    let process: Process
    let mux: Mux
    let fileSystem: RemoteFileSystem

    /// The agent under test (see ``BuiltAgent/underTest``).
    static var executableURL: URL { BuiltAgent.underTest }

    /// Starts the agent and sends a Config (with `root` when given).
    init(root: String? = nil) async throws {
        signal(SIGPIPE, SIG_IGN)
        let input = Pipe()
        let output = Pipe()
        process = Process()
        process.executableURL = Self.executableURL
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        let transport = try FileDescriptorTransport(
            reading: dup(output.fileHandleForReading.fileDescriptor),
            writing: dup(input.fileHandleForWriting.fileDescriptor),
            closesDescriptors: true)
        try input.fileHandleForWriting.close()
        try output.fileHandleForReading.close()
        mux = Mux(transport: transport)
        mux.start()
        var configuration = AgentConfiguration(extensions: ["hello"])
        if let root {
            configuration.extensions.append("root")
            configuration.workspaceRoot = root
        }
        try await mux.send(.config(configuration))
        fileSystem = RemoteFileSystem(client: mux)
    }

    /// Closes the connection and waits for the agent to end.
    func finish() {
        mux.close()
        process.waitUntilExit()
    }
}

/// A fresh temporary directory, removed by `cleanUp()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("wsfs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
    }

    func sub(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ bytes: [UInt8], mode: Int = 0o644) throws {
        let file = sub(name)
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: file, contents: Data(bytes), attributes: [.posixPermissions: mode])
    }

    func read(_ name: String) -> [UInt8]? { FileManager.default.contents(atPath: sub(name)).map { [UInt8]($0) } }

    func cleanUp() { try? FileManager.default.removeItem(atPath: path) }
}

/// Deterministic pseudo-random bytes (xorshift), so large files need no fixtures.
func patternBytes(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed | 1
    var bytes = [UInt8](repeating: 0, count: count)
    bytes.withUnsafeMutableBytes { raw in
        let words = raw.bindMemory(to: UInt64.self)
        for index in 0..<words.count {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            words[index] = state
        }
        for index in (words.count * 8)..<count { raw[index] = UInt8(truncatingIfNeeded: state >> (index % 8)) }
    }
    return bytes
}
