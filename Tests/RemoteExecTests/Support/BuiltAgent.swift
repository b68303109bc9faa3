import Foundation

/// The agent binaries the tests run. Shared with the other test targets through symbolic links in
/// their `Support/` folders.
enum BuiltAgent {
    /// The agent SwiftPM built next to the test bundle.
    static let path: String = {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("mproxy-agent").path),
            directory.path != "/"
        {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("mproxy-agent").path
    }()

    /// The agent the agent's own tests exercise: `MPROXY_AGENT` when set (`scripts/test` points it at
    /// the static release build), else ``path``.
    static var underTest: URL {
        URL(fileURLWithPath: ProcessInfo.processInfo.environment["MPROXY_AGENT"] ?? path)
    }
}
