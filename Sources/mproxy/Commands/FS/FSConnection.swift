import AgentProto
import RemoteExec

/// An agent serving file operations on a destination, and the client mux talking to it: the same
/// connection, agent install and transports as `mproxy exec`.
final class FSConnection: Sendable {
    private let host: RemoteHost
    private let service: RemoteFileService

    /// Connects to `destination`, starts an agent there and sends the first Config (asking for the
    /// hello, byte-paths, and confinement to `root` when given).
    ///
    /// - Throws: ``ExecutionError`` when the destination cannot be reached or no agent starts.
    init(destination: String, options: RemoteHostOptions, root: String?) async throws {
        host = try await RemoteHost.connect(to: try ExecutionDestination(parsing: destination), options: options)
        do {
            service = try await host.startFileService(root: root) { bytes in
                StandardIO.writeStandardError("mproxy fs: agent: " + String(decoding: bytes, as: UTF8.self))
            }
        } catch {
            host.close()
            throw error
        }
    }

    /// The mux; its peer is the agent.
    var mux: Mux { service.mux }

    /// The capabilities the agent announced in its hello, `nil` when it sent none (a Go agent).
    var agentCapabilities: [String]? { service.agentCapabilities }

    /// Ends the session: the agent sees its input end and exits; the connection closes.
    func close() {
        service.close()
        host.close()
    }
}
