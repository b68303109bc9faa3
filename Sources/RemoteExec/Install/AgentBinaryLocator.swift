#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Finds the agent executable to upload: `--agent FILE`, then `$MPROXY_AGENT`, then `mproxy-agent`
/// next to the running executable (the same build products directory after `swift build`), then
/// the static release build `scripts/build-agent` makes.
public enum AgentBinaryLocator {
    /// The environment variable that names another agent binary (a Go `mproxy-agent`, say).
    public static let environmentVariable = "MPROXY_AGENT"

    /// The candidate paths, in the order they are tried.
    public static func candidates(explicitPath: String?) -> [String] {
        if let explicitPath { return [explicitPath] }
        if let fromEnvironment = getenv(environmentVariable).map({ String(cString: $0) }), !fromEnvironment.isEmpty {
            return [fromEnvironment]
        }
        guard let executable = currentExecutablePath() else { return [] }
        let directory = parent(of: executable)
        let buildDirectory = parent(of: directory)
        var paths = ["\(directory)/mproxy-agent"]
        // scripts/build-agent: `swift build -c release -Xswiftc -static-executable …` lands in
        // .build/release (a link to .build/<triple>/release).
        paths.append("\(buildDirectory)/release/mproxy-agent")
        return paths
    }

    /// The first candidate that exists, read and hashed.
    ///
    /// - Throws: ``ExecutionError`` `agentNotFound` listing where it looked and what to do.
    public static func locate(explicitPath: String?) throws(ExecutionError) -> AgentBinary {
        try AgentBinary(path: locatePath(explicitPath: explicitPath))
    }

    /// The first candidate that exists.
    ///
    /// - Throws: ``ExecutionError`` `agentNotFound` listing where it looked and what to do.
    public static func locatePath(explicitPath: String?) throws(ExecutionError) -> String {
        let paths = candidates(explicitPath: explicitPath)
        for path in paths where access(path, X_OK) == 0 {
            return path
        }
        throw ExecutionError(
            .agentNotFound,
            "no mproxy-agent found (looked at \(paths.joined(separator: ", "))); run swift build or scripts/build-agent, or pass --agent FILE"
        )
    }

    private static func currentExecutablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
