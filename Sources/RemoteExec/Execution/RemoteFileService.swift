public import AgentProto
import Synchronization

/// An agent on a ``RemoteHost`` serving file operations, and the client mux talking to it: give
/// ``mux`` to WorkspaceFS's `RemoteFileSystem` (it is a `FileOperationClient`).
///
/// ```swift
/// let host = try await RemoteHost.connect(to: ExecutionDestination(parsing: "build-host"))
/// let service = try await host.startFileService(root: "/srv/app")
/// let files = RemoteFileSystem(client: service.mux, agentCapabilities: service.agentCapabilities ?? [])
/// let listing = try await files.contentsOfDirectory(at: ".")
/// service.close()
/// ```
public final class RemoteFileService: Sendable {
    /// The mux; its peer is the agent, in file-service mode from the first request on.
    public let mux: Mux
    private let helloObserver: HelloObserver

    init(launched: LaunchedAgent, root: String?) async throws(ExecutionError) {
        helloObserver = HelloObserver(next: nil)
        mux = Mux(transport: launched.transport, configuration: MuxConfiguration(observer: helloObserver))
        mux.start()
        var configuration = AgentConfiguration(extensions: ["hello", "byte-paths"])
        if let root {
            configuration.extensions.append("root")
            configuration.workspaceRoot = root
        }
        do {
            try await mux.send(.config(configuration))
        } catch {
            mux.close()
            throw ExecutionError(.connectionLost, "could not configure the file service: \(error)", cause: error)
        }
    }

    /// The capabilities the agent announced in its hello; nil until it has, and always for a Go
    /// agent (which sends none). The hello arrives before the answer to the first request.
    public var agentCapabilities: [String]? { helloObserver.hello.withLock { $0?.capabilities } }

    /// Whether file names that are not UTF-8 can travel (the agent announced `byte-paths`).
    public var supportsBytePaths: Bool { agentCapabilities?.contains("byte-paths") ?? false }

    /// Ends the service: the agent sees its input end and exits.
    public func close() {
        mux.close()
    }
}

extension RemoteHost {
    /// Starts an agent in file-service mode on this host, confined beneath `root` when given (the
    /// agent then refuses any path that resolves outside it, symlinks included).
    ///
    /// - Parameter standardError: receives the agent's own diagnostics; ours by default.
    /// - Throws: ``ExecutionError`` when no agent could be started or configured.
    public func startFileService(
        root: String? = nil, standardError: (@Sendable ([UInt8]) -> Void)? = nil
    ) async throws(ExecutionError) -> RemoteFileService {
        // A fresh agent, never a kept one: a file service is an agent mode of its own.
        let launched = try await launcher.launchAgent(standardError: standardError ?? Self.writeToStandardError)
        return try await RemoteFileService(launched: launched, root: root)
    }
}
