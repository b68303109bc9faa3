// The `local` destination: the built mproxy-agent runs as a child with pipes on its stdin/stdout,
// the same agent and protocol an SSH destination uses, without the network.

import CSystemExtras
import AgentProto
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A running local agent and the client mux talking to it.
final class LocalAgentConnection: Sendable {
    /// The mux; its peer is the agent.
    let mux: Mux
    let processID: pid_t
    private let hello = HelloRecord()

    /// The agent binary: `MPROXY_AGENT` when set, else `mproxy-agent` next to this executable.
    static func agentPath() -> String {
        if let override = getenv("MPROXY_AGENT") { return String(cString: override) }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return "mproxy-agent" }
        let executable = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let directory = executable.split(separator: "/", omittingEmptySubsequences: false).dropLast()
            .joined(separator: "/")
        return directory + "/mproxy-agent"
    }

    /// Starts the agent and its mux.
    ///
    /// - Throws: ``FSConnectionError`` when the agent cannot be started.
    init(agentPath: String = LocalAgentConnection.agentPath()) throws(FSConnectionError) {
        // The agent's stdin is a pipe we write: a dead agent must give EPIPE, not kill us.
        signal(SIGPIPE, SIG_IGN)
        guard access(agentPath, X_OK) == 0 else {
            throw FSConnectionError(
                "cannot run the agent '\(agentPath)': \(String(cString: strerror(errno))); build it with "
                    + "'swift build --product mproxy-agent' or set MPROXY_AGENT")
        }
        var toAgent: [Int32] = [-1, -1]
        var fromAgent: [Int32] = [-1, -1]
        guard pipe(&toAgent) == 0, pipe(&fromAgent) == 0 else {
            throw FSConnectionError("cannot create pipes for the agent: \(String(cString: strerror(errno)))")
        }
        // Other threads may spawn too: keep these ends out of their children (dup2 clears the flag).
        for descriptor in toAgent + fromAgent { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toAgent[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromAgent[1], 1)
        // Only 0, 1 and 2 reach the child: descriptors other threads opened meanwhile (pipes of
        // other children) would otherwise keep those pipes open and their readers waiting.
        _ = mproxy_spawn_add_close_from(&actions, 3)
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(agentPath), nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, agentPath, &actions, nil, argv, environ)
        Glibc.close(toAgent[0])
        Glibc.close(fromAgent[1])
        guard result == 0 else {
            Glibc.close(toAgent[1])
            Glibc.close(fromAgent[0])
            throw FSConnectionError("cannot start the agent '\(agentPath)': \(String(cString: strerror(result)))")
        }
        processID = pid
        let transport: FileDescriptorTransport
        do {
            transport = try FileDescriptorTransport(reading: fromAgent[0], writing: toAgent[1], closesDescriptors: true)
        } catch {
            throw FSConnectionError("cannot set up the agent's transport: \(error)")
        }
        mux = Mux(transport: transport, configuration: MuxConfiguration(observer: HelloObserver(record: hello)))
        mux.start()
    }

    /// The capabilities the agent announced in its hello, `nil` when it sent none (a Go agent).
    var agentCapabilities: [String]? { hello.capabilities.withLock { $0 } }

    /// Ends the session: our side of the pipe closes, the agent ends, and we reap it.
    func close() {
        mux.close()
        var status: Int32 = 0
        while waitpid(processID, &status, 0) < 0 && errno == EINTR {}
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
