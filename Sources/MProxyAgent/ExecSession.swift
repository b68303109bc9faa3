// Exec mode (Go `cmd/mproxy-agent` runExec, §3.4): spawn, bridge the streams, forward signals,
// send Exit once the child is reaped and every output stream reached EOF. Unlike Go, stdin writes
// run on their own threads (no head-of-line blocking of Signal frames), and a lost connection
// hangs up and then kills the child's process group instead of orphaning it. With `exec-reuse` the
// agent outlives the command: its input streams are closed and the agent told to wait for the next
// Exec before the Exit goes out, so nothing of this command is left to meet the next one.

import AgentProto
import CSystemExtras
import Glibc
import Logging
import Synchronization

/// One command run for the client.
final class ExecSession: Sendable {
    private struct State: Sendable {
        var processGroup: pid_t?
        /// Hangs up the group should the agent die before it could; released when the agent ends.
        var orphanGuard: OrphanGuard?
        /// The agent is ending on its own terms: a guard that starts now is released at once.
        var isFinished = false
        var pendingOutputs = 0
        var exitCode: Int?
        var isExitSent = false
        var isInputEnded = false
        var isTearingDown = false
        /// The streams the client writes to (stdin, extra descriptors), closed when the command ends.
        var inputs: [MuxStream] = []
    }

    /// Size of each read from the child's output, and so the largest Data payload. Go's bridges use
    /// 32 KiB; four times that means a quarter of the frames, wake-ups and writes on both ends for
    /// bulk output (the child's stdout pipe is enlarged to match, see DescriptorSet).
    static let chunkSize = 128 << 10

    private let mux: Mux
    private let reaper: ChildReaper
    private let lifecycle: AgentLifecycle
    private let logger: Logger
    /// Called when the command has ended, just before its Exit is sent, when the agent stays for
    /// another command; `nil` when the agent ends with the command.
    private let commandEnded: (@Sendable () -> Void)?
    private let state = Mutex(State())

    init(
        mux: Mux, reaper: ChildReaper, lifecycle: AgentLifecycle, logger: Logger,
        commandEnded: (@Sendable () -> Void)? = nil
    ) {
        self.mux = mux
        self.reaper = reaper
        self.lifecycle = lifecycle
        self.logger = logger
        self.commandEnded = commandEnded
    }

    /// Starts the command. Runs on the mux's receiving thread, so the input streams are open before
    /// the next frame (early stdin Data) is dispatched.
    func start(_ request: ExecRequest, filter: EnvironmentFilter?) {
        var environment = request.environment
        if let filter { environment = filter.filter(environment ?? []) }
        var inputs: [(stream: MuxStream, descriptorNumber: UInt32)] = []
        for number in [0] + request.extraFileDescriptors {
            if let stream = try? mux.openStream(number) { inputs.append((stream, number)) }
        }
        state.withLock { $0.inputs = inputs.map(\.stream) }
        let program = request.path.isEmpty ? (request.arguments?.first ?? "") : request.path
        let arguments = (request.arguments?.isEmpty ?? true) ? [program] : request.arguments ?? []
        logger.debug("building command", metadata: ["path": "\(program)", "cwd": "\(request.workingDirectory)"])
        let spawned = ProgramLookup.resolve(program, environment: environment).flatMap { resolved in
            ChildProcess.spawn(
                program: resolved,
                arguments: arguments,
                environment: environment,
                workingDirectory: request.workingDirectory,
                extraDescriptorNumbers: request.extraFileDescriptors
            )
        }
        switch spawned {
        case .failure(let error):
            logger.info("start command failed", metadata: ["error": "\(error.message)"])
            for input in inputs { input.stream.close() }
            state.withLock { $0.isExitSent = true }
            commandIsOver()
            // Go sends only Exit; ending the output streams first lets a client that reads them
            // finish cleanly, and Go clients accept EOF on any stream.
            for stream in [1, 2] + request.extraFileDescriptors { try? mux.sendWithoutWaiting(.eof(stream: stream)) }
            try? mux.sendWithoutWaiting(.exit(code: 127, error: error.message))
            if commandEnded == nil { lifecycle.finish(0) }
        case .success(let child):
            reaper.childStarted()
            logger.debug("child started", metadata: ["pid": "\(child.pid)"])
            run(child, inputs: inputs)
        }
    }

    /// Delivers a Signal frame to the child's process group (any time, even after stdin EOF).
    func signal(_ number: Int) {
        guard let group = state.withLock({ $0.processGroup }) else { return }
        logger.debug("forwarding signal to child", metadata: ["signal": "\(number)"])
        if kill(-group, Int32(truncatingIfNeeded: number)) != 0, kill(group, Int32(truncatingIfNeeded: number)) != 0 {
            logger.warning("signal child failed", metadata: ["signal": "\(number)", "error": "\(errnoText(errno))"])
        }
    }

    /// The client's frames ended. After Exit that is the orderly end; before, the client is gone.
    func inputEnded() {
        let (isExitSent, group) = state.withLock { state in
            state.isInputEnded = true
            let tearDown = !state.isExitSent && !state.isTearingDown
            if tearDown { state.isTearingDown = true }
            return (state.isExitSent || !tearDown, tearDown ? state.processGroup : nil)
        }
        if isExitSent {
            finish(0)
            return
        }
        AgentThread.detach { [self] in tearDown(group) }
    }

    private func run(_ child: ChildProcess, inputs: [(stream: MuxStream, descriptorNumber: UInt32)]) {
        state.withLock { state in
            state.processGroup = child.pid
            state.pendingOutputs = 2 + child.extraDescriptors.count
        }
        // On a thread of its own, so neither the command's streams nor its Exit wait for it.
        AgentThread.detach { [self] in
            guard let orphanGuard = OrphanGuard.start(watching: child.pid) else {
                logger.warning("could not start the orphan guard; killing the agent would leave the command running")
                return
            }
            reaper.childStarted()
            let isAlreadyFinished = state.withLock { state in
                if !state.isFinished { state.orphanGuard = orphanGuard }
                return state.isFinished
            }
            if isAlreadyFinished { orphanGuard.release() }
        }
        let outputs = [(child.standardOutput, UInt32(1)), (child.standardError, UInt32(2))]
        for (descriptor, stream) in outputs {
            AgentThread.detach { [self] in
                pumpOutput(from: descriptor, stream: stream)
                close(descriptor)
            }
        }
        for (number, descriptor) in child.extraDescriptors {
            // Both directions use one socket; whichever pump finishes last closes it.
            let owner = SharedDescriptor(descriptor, users: 2)
            AgentThread.detach { [self] in
                pumpOutput(from: descriptor, stream: number)
                owner.release()
            }
            if let input = inputs.first(where: { $0.descriptorNumber == number }) {
                AgentThread.detach {
                    Self.pumpInput(input.stream, to: descriptor, isSocket: true)
                    owner.release()
                }
            } else {
                owner.release()
            }
        }
        if let standardInput = inputs.first(where: { $0.descriptorNumber == 0 }) {
            AgentThread.detach { Self.pumpInput(standardInput.stream, to: child.standardInput, isSocket: false) }
        } else {
            close(child.standardInput)
        }
        reaper.onTermination(of: child.pid) { [self] status in
            logger.debug("child exited", metadata: ["code": "\(status.exitCode)"])
            state.withLock { $0.exitCode = status.exitCode }
            sendExitIfDone()
        }
    }

    private func pumpOutput(from descriptor: CInt, stream: UInt32) {
        var splices = Self.isPipe(descriptor)
        reading: while true {
            if splices {
                switch spliceAvailableOutput(from: descriptor, stream: stream) {
                case .sent: continue reading
                case .ended: break reading
                case .small: break
                case .unsupported: splices = false
                }
            }
            // Read straight into the frame's payload: one copy fewer than reading into a reused
            // buffer and copying the bytes out.
            var count = 0
            var chunk = [UInt8](unsafeUninitializedCapacity: Self.chunkSize) { buffer, initialized in
                count = read(descriptor, buffer.baseAddress, Self.chunkSize)
                initialized = max(count, 0)
            }
            // A short read (interactive output) gets a buffer its own size, so queued frames never
            // pin a whole chunk each.
            if count > 0 && count < Self.chunkSize / 4 { chunk = Array(chunk[...]) }
            if count > 0 {
                do {
                    try mux.sendBlocking(.data(stream: stream, chunk))
                } catch {
                    break reading
                }
            } else if count == 0 || errno != EINTR {
                break reading
            }
        }
        try? mux.sendBlocking(.eof(stream: stream))
        state.withLock { $0.pendingOutputs -= 1 }
        sendExitIfDone()
    }

    /// What became of the output waiting in a pipe.
    private enum SpliceOutcome {
        /// Sent as one Data frame spliced from the pipe.
        case sent
        /// The pipe is empty and its writers are gone, or the output can no longer be sent.
        case ended
        /// Too little to be worth splicing: read it.
        case small
        /// This pipe or mux cannot splice: read from now on.
        case unsupported
    }

    /// Output of at least this many bytes goes to the client by `splice`: bulk output then never
    /// enters the agent (two copies fewer per byte, on a machine whose cores the SSH server and the
    /// command already keep busy). Smaller output is read and written through, which is quicker for
    /// a few bytes.
    static let spliceThreshold = 16 << 10

    /// Waits for output in the pipe and sends what is there, up to ``chunkSize``, by `splice`.
    private func spliceAvailableOutput(from descriptor: CInt, stream: UInt32) -> SpliceOutcome {
        var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while poll(&ready, 1, -1) < 0 {
            guard errno == EINTR else { return .unsupported }
        }
        let available = mproxy_readable_byte_count(descriptor)
        if available < 0 { return .unsupported }
        if available == 0 { return ready.revents & Int16(POLLIN) != 0 ? .small : .ended }
        if available < Self.spliceThreshold { return .small }
        do {
            let count = min(Int(available), Self.chunkSize)
            return try mux.sendData(stream: stream, splicing: count, from: descriptor) ? .sent : .unsupported
        } catch {
            return .ended
        }
    }

    private static func isPipe(_ descriptor: CInt) -> Bool {
        var status = stat()
        return fstat(descriptor, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO
    }

    /// Writes what the client sends on `stream` to `descriptor`; at EOF closes it (a socket is only
    /// shut down for writing, so the child can still answer on it).
    private static func pumpInput(_ stream: MuxStream, to descriptor: CInt, isSocket: Bool) {
        while let chunk = try? stream.readBlocking() {
            if !writeAll(chunk, to: descriptor) {
                // The child closed its end: drop the rest of what the client sends.
                stream.close()
                break
            }
        }
        if isSocket {
            shutdown(descriptor, Int32(SHUT_WR))
        } else {
            close(descriptor)
        }
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: CInt) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written >= 0 {
                    offset += written
                } else if errno != EINTR {
                    return false
                }
            }
            return true
        }
    }

    private func sendExitIfDone() {
        let (code, isInputEnded) = state.withLock { state -> (Int?, Bool) in
            guard let code = state.exitCode, state.pendingOutputs == 0, !state.isExitSent else { return (nil, false) }
            state.isExitSent = true
            return (code, state.isInputEnded)
        }
        guard let code else { return }
        commandIsOver()
        do {
            try mux.sendWithoutWaiting(.exit(code: code))
        } catch {
            logger.warning("send exit failed", metadata: ["error": "\(error)"])
        }
        // Go waits for the client to close its side after Exit; if it already did, end now.
        if isInputEnded { finish(0) }
    }

    /// The command ended and its Exit goes out next. A reused agent closes the command's input
    /// streams (what the client still sends for them is dropped), stands the orphan guard down and
    /// waits for the next command; otherwise the agent waits for the client to hang up.
    private func commandIsOver() {
        guard let commandEnded else { return }
        let inputs = state.withLock { state in
            defer { state.inputs = [] }
            return state.inputs
        }
        for input in inputs { input.close() }
        standDown()
        commandEnded()
    }

    /// The connection is gone before Exit: SIGHUP to the child's process group and to every other
    /// descendant (those that left the group), SIGKILL after the grace period to whatever is still
    /// alive, then exit.
    private func tearDown(_ group: pid_t?) {
        if let group { logger.warning("connection lost; hanging up the command", metadata: ["pgid": "\(group)"]) }
        HangUp.perform(
            signal: { signal in
                if let group { kill(-group, signal) }
                ProcessTree.signalDescendants(signal)
            },
            whileAlive: {
                (group.map { kill(-$0, 0) == 0 } ?? false) || !ProcessTree.descendants(of: getpid()).isEmpty
            })
        // A process forking while it is killed can leave a new child behind: sweep until none is left.
        for _ in 0..<5 where ProcessTree.signalDescendants(SIGKILL) > 0 {
            usleep(1_000)
        }
        finish(1)
    }

    /// Ends the agent: the command's end was handled here, so the orphan guard stands down.
    private func finish(_ code: Int32) {
        standDown()
        lifecycle.finish(code)
    }

    /// Releases the orphan guard, now or as soon as it has started.
    private func standDown() {
        state.withLock { state in
            state.isFinished = true
            defer { state.orphanGuard = nil }
            return state.orphanGuard
        }?.release()
    }
}

/// A descriptor shared by several threads, closed when the last one releases it.
final class SharedDescriptor: Sendable {
    private let descriptor: CInt
    private let users: Mutex<Int>

    init(_ descriptor: CInt, users: Int) {
        self.descriptor = descriptor
        self.users = Mutex(users)
    }

    func release() {
        let isLast = users.withLock { users in
            users -= 1
            return users == 0
        }
        if isLast { close(descriptor) }
    }
}
