// Wires the agent's modes to the mux: the first frames select exec, file service or PATH
// enumeration (AgentModeSelector), the handlers carry signals and file operations, and the end of
// the client's frames ends the agent the way the mode requires.

import AgentProto
import Logging
import Synchronization

/// The agent: one mux, one mode.
final class Agent: Sendable {
    /// Capabilities announced in the hello (PROTOCOL.md).
    static let capabilities = [
        "hello", "exit-error-text", "signal-after-eof", "concurrent-file-ops", "hangup-on-disconnect",
        "argv0-preserved", "socket-half-close", "root", "byte-paths", "exec-reuse", "unfiltered-environment",
        "chtimes-nofollow",
    ]
    /// The version the hello announces.
    static let version = "mproxy-agent 0.1.0 (agentproto 1.3.4)"

    private struct State: Sendable {
        var selector = AgentModeSelector()
        var filter: EnvironmentFilter?
        var exec: ExecSession?
        /// The client's Config asked to keep the agent for another command (`exec-reuse`).
        var staysForNextCommand = false
    }

    private let state = Mutex(State())
    private let muxReference = Mutex<Mux?>(nil)
    private let reaper: ChildReaper
    private let lifecycle: AgentLifecycle
    private let logger: Logger
    private let fileOperations = FileOperationWorkers()

    init(reaper: ChildReaper, lifecycle: AgentLifecycle, logger: Logger) {
        self.reaper = reaper
        self.lifecycle = lifecycle
        self.logger = logger
    }

    /// The mux configuration and handlers that route frames to this agent.
    func muxSetup() -> (MuxConfiguration, MuxHandlers) {
        var handlers = MuxHandlers()
        handlers.signal = { [self] number in state.withLock { $0.exec }?.signal(number) }
        handlers.fileOperation = { [self] request, reply in fileOperations.submit(request, reply: reply) }
        handlers.inputEnded = { [self] end in inputEnded(end) }
        return (MuxConfiguration(observer: ModeObserver(agent: self)), handlers)
    }

    /// Gives the agent its mux, before the mux starts.
    func attach(_ mux: Mux) { muxReference.withLock { $0 = mux } }

    private var mux: Mux? { muxReference.withLock { $0 } }

    /// A frame arrived (the mux's receiving thread, before the frame is dispatched).
    fileprivate func received(_ frame: Frame) {
        let action = state.withLock { $0.selector.receive(frame) }
        guard let mux else { return }
        switch action {
        case .none, .startFileService:
            break
        case .configure(let configuration):
            logger.trace("received agent config")
            let filter =
                configuration.extensions.contains("unfiltered-environment")
                ? nil
                : EnvironmentFilter(
                    keep: configuration.environmentKeep ?? [], remove: configuration.environmentRemove ?? [])
            state.withLock { state in
                state.filter = filter
                state.staysForNextCommand = configuration.extensions.contains("exec-reuse")
            }
            if configuration.extensions.contains("root"), !configuration.workspaceRoot.isEmpty {
                fileOperations.confine(to: configuration.workspaceRoot)
            }
            if configuration.extensions.contains("byte-paths") { fileOperations.server.sendsBytePaths = true }
            if configuration.extensions.contains("hello") {
                let hello = AgentHello(version: Self.version, capabilities: Self.capabilities)
                try? mux.sendWithoutWaiting(Frame(type: .hello, hello: hello))
            }
        case .startExec(let request):
            var commandEnded: (@Sendable () -> Void)?
            if state.withLock({ $0.staysForNextCommand }) { commandEnded = { [self] in awaitNextCommand() } }
            let session = ExecSession(
                mux: mux, reaper: reaper, lifecycle: lifecycle, logger: logger, commandEnded: commandEnded)
            let filter = state.withLock { state in
                state.exec = session
                return state.filter
            }
            session.start(request, filter: filter)
        case .answerPathQuery(let query):
            let entries = PathEnumeration.entries(for: query)
            do {
                try mux.sendWithoutWaiting(.pathInfo(PathInfo(entries: entries.isEmpty ? nil : entries)))
                lifecycle.finish(0)
            } catch {
                lifecycle.finish(127)
            }
        case .reject(let reason):
            logger.error("\(reason)")
            lifecycle.finish(127)
        }
    }

    /// The command ended and its Exit is about to go out: forget it, so the client's next Config and
    /// Exec start afresh and its late frames for the old command find nothing to act on.
    private func awaitNextCommand() {
        state.withLock { state in
            state.exec = nil
            state.filter = nil
            state.staysForNextCommand = false
            state.selector.awaitNextCommand()
        }
    }

    private func inputEnded(_ end: MuxInputEnd) {
        let (mode, exec, isBetweenCommands) = state.withLock {
            ($0.selector.mode, $0.exec, $0.selector.isBetweenCommands)
        }
        if isBetweenCommands {
            // The client closed a reused agent after its last command: the orderly end.
            lifecycle.finish(0)
            return
        }
        switch mode {
        case .exec:
            exec?.inputEnded()
        case .fileService:
            fileOperations.server.closeAll()
            lifecycle.finish(0)
        case .pathQuery:
            break
        case nil:
            if case .failed(let error) = end {
                logger.error("reading the first frame failed", metadata: ["error": "\(error)"])
            }
            lifecycle.finish(127)
        }
    }
}

/// Shows the agent every frame the client sends, before the mux dispatches it.
private struct ModeObserver: FrameObserver {
    let agent: Agent
    /// The agent's own output may be spliced past it.
    var observesSentFrames: Bool { false }

    func observe(_ frame: Frame, direction: FrameDirection) throws {
        guard direction == .receive else { return }
        agent.received(frame)
    }
}
