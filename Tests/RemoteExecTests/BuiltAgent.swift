import Foundation
import RemoteExec

/// The agent SwiftPM built next to the test bundle, for tests of the local transport.
enum BuiltAgent {
    static let path: String = {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("mproxy-agent").path),
            directory.path != "/"
        {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("mproxy-agent").path
    }()

    /// A host on this machine (the local transport) running the built agent.
    static func localHost() async throws -> RemoteHost {
        try await RemoteHost.connect(to: .local, options: RemoteHostOptions(agentPath: path))
    }
}
