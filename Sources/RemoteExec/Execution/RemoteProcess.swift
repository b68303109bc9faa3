public import AgentProto
import Synchronization

/// A command running on a remote host through its own agent: standard input as a writer, standard
/// output and error as `AsyncSequence`s of byte chunks, signals to its process group, and its
/// ``TerminationStatus``.
///
/// ```swift
/// let process = try await host.start(RemoteCommand(executable: "sort"))
/// try await process.standardInput.write(Array("b\na\n".utf8))
/// try await process.standardInput.close()
/// for try await chunk in process.standardOutput { print(String(decoding: chunk, as: UTF8.self)) }
/// let status = try await process.terminationStatus()
/// ```
///
/// Read standard output and standard error concurrently (or close the one you ignore): a stream
/// nobody reads fills its buffer and then holds up the other (memory stays bounded).
public final class RemoteProcess: Sendable {
    /// The command as it was started.
    public let command: RemoteCommand
    /// The Exec request sent to the agent.
    public let execRequest: ExecRequest
    /// The command's standard output (stream 1).
    public let standardOutput: MuxStream
    /// The command's standard error (stream 2).
    public let standardError: MuxStream
    /// The command's standard input (stream 0).
    public let standardInput: RemoteProcessInput
    /// Where the agent runs on the host.
    public let agentPath: String
    let mux: Mux
    let extraStreams: [UInt32: MuxStream]
    let helloObserver: HelloObserver
    /// The agent's lease when it came from a ``RemoteHost``, which may keep the agent afterwards.
    let agentLease: AgentLease?
    /// Whether the Config asked the agent to stay for another command.
    let asksToKeepAgent: Bool
    private let status = Mutex<Result<TerminationStatus, ExecutionError>?>(nil)

    init(command: RemoteCommand, launched: LaunchedAgent, options: RemoteProcessOptions) throws(ExecutionError) {
        self.command = command
        execRequest = command.execRequest
        agentPath = launched.agentPath
        agentLease = launched.transport as? AgentLease
        let configuration = command.agentConfiguration(forAgentWith: agentLease?.knownAgentCapabilities)
        asksToKeepAgent = configuration?.extensions.contains("exec-reuse") ?? false
        helloObserver = HelloObserver(next: options.observer)
        var handlers = MuxHandlers()
        handlers.log = options.log
        mux = Mux(
            transport: launched.transport, configuration: MuxConfiguration(observer: helloObserver), handlers: handlers)
        do {
            standardOutput = try mux.openStream(1)
            standardError = try mux.openStream(2)
            var extra: [UInt32: MuxStream] = [:]
            for descriptor in command.extraFileDescriptors where extra[descriptor] == nil {
                extra[descriptor] = try mux.openStream(descriptor)
            }
            extraStreams = extra
        } catch {
            mux.close()
            throw ExecutionError(
                .launchFailed, "extra descriptors must be 3 or more and not repeat: \(error)", cause: error)
        }
        standardInput = RemoteProcessInput(mux: mux, stream: 0)
        mux.start()
        do {
            if let configuration { try mux.sendWithoutWaiting(.config(configuration)) }
            try mux.sendWithoutWaiting(.exec(execRequest))
        } catch {
            mux.close()
            throw ExecutionError(
                .connectionLost, "the agent went away before the command was sent: \(error)", cause: error)
        }
    }

    /// The agent's hello once it arrived (our agent sends it first; a Go agent never does).
    public var agentHello: AgentHello? { helloObserver.hello.withLock { $0 } }

    /// What the program writes to extra descriptor `number`, if the command asked for it.
    public func output(ofDescriptor number: UInt32) -> MuxStream? { extraStreams[number] }

    /// Writes to extra descriptor `number` (its stream), or closes it.
    public func input(ofDescriptor number: UInt32) -> RemoteProcessInput {
        RemoteProcessInput(mux: mux, stream: number)
    }

    /// Sends `signal` (Linux numbering) to the command's process group.
    ///
    /// - Throws: ``ExecutionError`` `connectionLost` when the agent is gone.
    public func send(signal: Int32) throws(ExecutionError) {
        do {
            // A small control frame: never waits behind queued stdin, so it cannot be held up.
            try mux.sendWithoutWaiting(.signal(Int(signal)))
        } catch {
            throw ExecutionError(.connectionLost, "could not send signal \(signal): \(error)", cause: error)
        }
    }

    /// Waits for the command to end, then lets the agent exit. Cancelling the wait sends SIGTERM to
    /// the command's group and drops the connection, which makes the agent hang up whatever is left.
    ///
    /// - Throws: ``ExecutionError`` `connectionLost` when the connection ended without an Exit frame;
    ///   `CancellationError` when cancelled.
    public func terminationStatus() async throws -> TerminationStatus {
        if let known = status.withLock({ $0 }) { return try known.get() }
        let result: Result<TerminationStatus, ExecutionError>
        do {
            let exit = try await mux.exitStatus()
            result = .success(TerminationStatus(code: exit.code, errorText: exit.error))
        } catch is CancellationError {
            try? send(signal: 15)
            mux.close()
            throw CancellationError()
        } catch {
            // When the SSH session itself ended (the server stopped answering keepalives, the
            // connection dropped), its reason is the whole story, said in one line as ssh says it.
            let message =
                ((error as? MuxError)?.cause as? SSHError)?.description
                ?? "the connection to the agent ended before the command finished: \((error as? MuxError)?.reason ?? "\(error)")"
            result = .failure(ExecutionError(.connectionLost, message, cause: error))
        }
        status.withLock { if $0 == nil { $0 = result } }
        if case .success = result { offerAgentForReuse() }
        // The agent waits for our end of the connection before it exits (or for its next command).
        mux.close()
        return try result.get()
    }

    /// After a clean Exit, lets the host keep an agent that agreed to run another command.
    private func offerAgentForReuse() {
        guard let agentLease, let hello = agentHello else { return }
        agentLease.agentAnnounced(hello.capabilities)
        guard asksToKeepAgent, hello.capabilities.contains("exec-reuse"), mux.inputEnd == nil else { return }
        // Weak: the lease outlives this process, and must not keep its mux alive.
        agentLease.keepAgentOnClose { [weak mux] in (mux?.outboundByteCount ?? 0) == 0 }
    }

    /// Drops the connection to the agent now: it signals the command's process group with SIGHUP,
    /// then SIGKILL after a grace period. Output not yet read is lost.
    public func close() {
        mux.close()
    }
}
