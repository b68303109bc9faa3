import AgentProto
import RemoteExec
import Synchronization

/// An agent serving file operations on a destination, and the client mux talking to it: the same
/// connection, agent install and transports as `mproxy exec`.
final class FSConnection: Sendable {
    /// The mux; its peer is the agent.
    let mux: Mux
    private let host: RemoteHost
    private let hello = HelloRecord()

    /// Connects to `destination`, starts an agent there and sends the first Config (asking for the
    /// hello, and for confinement to `root` when given).
    ///
    /// - Throws: ``ExecutionError`` when the destination cannot be reached or no agent starts.
    init(destination: String, options: RemoteHostOptions, root: String?) async throws {
        host = try await RemoteHost.connect(to: try ExecutionDestination(parsing: destination), options: options)
        let launched: LaunchedAgent
        do {
            launched = try await host.launcher.launchAgent(standardError: { bytes in
                StandardIO.writeStandardError("mproxy fs: agent: " + String(decoding: bytes, as: UTF8.self))
            })
        } catch {
            host.close()
            throw error
        }
        mux = Mux(transport: launched.transport, configuration: MuxConfiguration(observer: HelloObserver(record: hello)))
        mux.start()
        var configuration = AgentConfiguration(extensions: ["hello", "byte-paths"])
        if let root {
            configuration.extensions.append("root")
            configuration.workspaceRoot = root
        }
        try await mux.send(.config(configuration))
    }

    /// The capabilities the agent announced in its hello, `nil` when it sent none (a Go agent).
    var agentCapabilities: [String]? { hello.capabilities.withLock { $0 } }

    /// Ends the session: the agent sees its input end and exits; the connection closes.
    func close() {
        mux.close()
        host.close()
    }
}

/// Keeps the capabilities of the agent's hello frame.
private struct HelloObserver: FrameObserver {
    let record: HelloRecord

    func observe(_ frame: Frame, direction: FrameDirection) throws {
        guard direction == .receive, frame.type == .hello, let hello = frame.hello else { return }
        record.capabilities.withLock { $0 = hello.capabilities }
    }
}

/// Where the hello's capabilities land (the receiving thread writes, the command reads).
private final class HelloRecord: Sendable {
    let capabilities = Mutex<[String]?>(nil)
}
