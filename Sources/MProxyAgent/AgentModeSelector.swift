// The agent's first-frame rules (agentproto §2.5, Go `cmd/mproxy-agent`): an optional Config with a
// non-null `cfg` first, then an Exec, PathQuery or FileOp selects the mode; anything else before
// that is rejected. Only one Config is honoured, except between the commands of a reused agent
// (the `exec-reuse` extension, PROTOCOL.md), where each command may bring its own.

import AgentProto

/// Decides the agent's mode from the frames the client sends first. A value: feed it frames, do
/// what it answers.
struct AgentModeSelector: Sendable {
    /// What the agent is serving.
    enum Mode: Hashable, Sendable {
        case exec
        case fileService
        case pathQuery
    }

    /// What the agent must do about a frame.
    enum Action: Sendable {
        /// Nothing: the frame belongs to the running mode (or the agent already gave up).
        case none
        /// Apply the client's Config.
        case configure(AgentConfiguration)
        /// Start the command.
        case startExec(ExecRequest)
        /// Serve file operations from now on (the frame itself is the first request).
        case startFileService
        /// Answer the query and end.
        case answerPathQuery(PathQuery)
        /// The client broke the protocol: log why and exit 127 without an Exit frame.
        case reject(String)
    }

    private enum Phase: Sendable {
        case awaitingFirst
        case awaitingMode
        case running(Mode)
        /// A command ended on an agent the client keeps (`exec-reuse`): only a Config or the next
        /// Exec counts; the old command's late stdin, EOF or Signal frames are ignored.
        case awaitingNextExec
        case rejected
    }

    private var phase = Phase.awaitingFirst

    /// The mode, once selected.
    var mode: Mode? {
        if case .running(let mode) = phase { return mode }
        return nil
    }

    /// Whether a command ended and the agent waits for the client's next one.
    var isBetweenCommands: Bool {
        if case .awaitingNextExec = phase { return true }
        return false
    }

    /// The running command ended and the agent stays for another (`exec-reuse`).
    mutating func awaitNextCommand() {
        phase = .awaitingNextExec
    }

    /// Books one frame received from the client.
    mutating func receive(_ frame: Frame) -> Action {
        switch phase {
        case .running, .rejected:
            return .none
        case .awaitingNextExec:
            if frame.type == .config, let configuration = frame.configuration { return .configure(configuration) }
            guard frame.type == .exec, let request = frame.exec else { return .none }
            phase = .running(.exec)
            return .startExec(request)
        case .awaitingFirst:
            if frame.type == .config, let configuration = frame.configuration {
                phase = .awaitingMode
                return .configure(configuration)
            }
            return selectMode(frame)
        case .awaitingMode:
            return selectMode(frame)
        }
    }

    private mutating func selectMode(_ frame: Frame) -> Action {
        switch frame.type {
        case .exec where frame.exec != nil:
            phase = .running(.exec)
            return .startExec(frame.exec ?? ExecRequest())
        case .fileOperation:
            phase = .running(.fileService)
            return .startFileService
        case .pathQuery:
            phase = .running(.pathQuery)
            return .answerPathQuery(frame.pathQuery ?? PathQuery())
        default:
            phase = .rejected
            return .reject("expected exec, path-query or file-op frame, got \(frame.type)")
        }
    }
}
