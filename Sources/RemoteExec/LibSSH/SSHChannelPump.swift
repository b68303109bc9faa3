import CLibSSH

/// Moves one exec channel's bytes between libssh and its ``SSHChannelEndpoint``, on the session
/// thread: opens the channel and requests the command without blocking, delivers output as libssh
/// parses it (callbacks), writes input within the channel window, and reports EOF and exit.
///
/// Not `Sendable`: owned by an ``SSHSession`` and used only on its thread.
final class SSHChannelPump {
    private enum Phase: Equatable {
        case opening
        case settingEnvironment(Int)
        case requestingExec
        case running
        case finished
    }

    private let session: SSHSession
    private let channel: ssh_channel
    private let command: String
    let endpoint: any SSHChannelEndpoint
    private let callbacks: UnsafeMutablePointer<ssh_channel_callbacks_struct>
    private var phase = Phase.opening
    private var outbound: [UInt8] = []
    private var outboundOffset = 0
    private var sentEndOfInput = false
    private var hasUndeliveredOutput = false
    private var receivedEndOfOutput = false
    private var reportedEndOfOutput = false
    private var receivedClose = false
    private var exitStatus: SSHExitStatus?

    /// Whether the pump is done and its channel released; the session drops it then.
    var isFinished: Bool { phase == .finished }

    /// Whether input taken from the endpoint is not written yet: the channel window holds it back.
    var hasUnsentInput: Bool { outboundOffset < outbound.count }

    /// Starts opening a session channel for `command` on `session`.
    init(session: SSHSession, command: String, endpoint: any SSHChannelEndpoint) throws(SSHError) {
        guard let channel = ssh_channel_new(session.handle) else {
            throw session.error(.channelOpenFailed, "libssh could not create a channel", returnCode: SSH_ERROR)
        }
        self.session = session
        self.channel = channel
        self.command = command
        self.endpoint = endpoint
        callbacks = .allocate(capacity: 1)
        callbacks.initialize(to: ssh_channel_callbacks_struct())
        // ssh_callbacks_init is a macro: the size field tells libssh which fields exist.
        callbacks.pointee.size = MemoryLayout<ssh_channel_callbacks_struct>.size
        callbacks.pointee.userdata = Unmanaged.passUnretained(self).toOpaque()
        callbacks.pointee.channel_data_function = { _, _, data, length, isStandardError, userdata in
            guard let userdata, let data else { return 0 }
            let pump = Unmanaged<SSHChannelPump>.fromOpaque(userdata).takeUnretainedValue()
            return Int32(
                pump.deliver(
                    UnsafeRawBufferPointer(start: data, count: Int(length)), isStandardError: isStandardError != 0))
        }
        callbacks.pointee.channel_eof_function = { _, _, userdata in
            guard let userdata else { return }
            Unmanaged<SSHChannelPump>.fromOpaque(userdata).takeUnretainedValue().receivedEndOfOutput = true
        }
        callbacks.pointee.channel_close_function = { _, _, userdata in
            guard let userdata else { return }
            Unmanaged<SSHChannelPump>.fromOpaque(userdata).takeUnretainedValue().receivedClose = true
        }
        callbacks.pointee.channel_exit_status_function = { _, _, status, userdata in
            guard let userdata else { return }
            Unmanaged<SSHChannelPump>.fromOpaque(userdata).takeUnretainedValue().exitStatus = .exited(status)
        }
        callbacks.pointee.channel_exit_signal_function = { _, _, signal, core, message, _, userdata in
            guard let userdata else { return }
            Unmanaged<SSHChannelPump>.fromOpaque(userdata).takeUnretainedValue().exitStatus = .signaled(
                name: signal.map { String(cString: $0) } ?? "?", coreDumped: core != 0,
                message: message.map { String(cString: $0) } ?? "")
        }
        ssh_set_channel_callbacks(channel, callbacks)
    }

    deinit {
        callbacks.deinitialize(count: 1)
        callbacks.deallocate()
    }

    /// Advances the channel as far as it can go without waiting.
    ///
    /// - Returns: whether it made progress that may allow more right away (poll again without sleeping).
    func service() -> Bool {
        switch phase {
        case .opening:
            if endpoint.isAbandoned {
                return finish(.failure(SSHError(.channelOpenFailed, "the channel was closed before it opened")))
            }
            let result = ssh_channel_open_session(channel)
            if result == SSH_AGAIN { return false }
            guard result == SSH_OK else {
                return finish(.failure(channelError("the server refused to open a session channel", result)))
            }
            phase = .settingEnvironment(0)
            return service()
        case .settingEnvironment(let index):
            let variables = session.configuration.environment
            guard index < variables.count else {
                phase = .requestingExec
                return service()
            }
            let result = ssh_channel_request_env(channel, variables[index].name, variables[index].value)
            if result == SSH_AGAIN { return false }
            // A refused variable is not an error (OpenSSH goes on too); a lost connection is.
            guard result == SSH_OK || session.isConnected else {
                return finish(.failure(channelError("could not send SetEnv \(variables[index].name)", result)))
            }
            phase = .settingEnvironment(index + 1)
            return service()
        case .requestingExec:
            let result = ssh_channel_request_exec(channel, command)
            if result == SSH_AGAIN { return false }
            guard result == SSH_OK else {
                return finish(.failure(channelError("the server refused to run the command", result)))
            }
            phase = .running
            endpoint.channelStarted()
            return true
        case .running:
            return serviceRunning()
        case .finished:
            return false
        }
    }

    /// Fails the channel because the connection is gone.
    func connectionLost(_ error: SSHError) {
        guard phase != .finished else { return }
        _ = finish(.failure(error))
    }

    /// Releases the channel without reporting (the session is being freed).
    func release() {
        guard phase != .finished else { return }
        _ = finish(.failure(SSHError(.disconnected, "the SSH connection was closed")))
    }

    private func serviceRunning() -> Bool {
        if endpoint.isAbandoned {
            return finish(.success(exitStatus ?? .unknown))
        }
        var progressed = false
        if hasUndeliveredOutput && !endpoint.isReceivingPaused {
            progressed = drainBufferedOutput() || progressed
        }
        if receivedEndOfOutput && !hasUndeliveredOutput && !reportedEndOfOutput {
            reportedEndOfOutput = true
            endpoint.receiveEnded()
            progressed = true
        }
        switch writeInput() {
        case .failure(let error): return finish(.failure(error))
        case .success(let wrote): progressed = wrote || progressed
        }
        if (receivedClose || ssh_channel_is_closed(channel) != 0) && !hasUndeliveredOutput {
            if !reportedEndOfOutput {
                reportedEndOfOutput = true
                endpoint.receiveEnded()
            }
            return finish(.success(exitStatus ?? .unknown))
        }
        if !session.isConnected {
            return finish(
                .failure(
                    session.error(
                        .disconnected, "the SSH connection was lost while the command ran", returnCode: SSH_ERROR)))
        }
        return progressed
    }

    /// Called by libssh as it parses channel data; returns how many bytes were taken (0 while the
    /// endpoint is paused, so libssh keeps them and the window closes).
    private func deliver(_ bytes: UnsafeRawBufferPointer, isStandardError: Bool) -> Int {
        guard phase == .running, !endpoint.isReceivingPaused, !hasUndeliveredOutput else {
            hasUndeliveredOutput = true
            return 0
        }
        endpoint.receive(bytes, isStandardError: isStandardError)
        return bytes.count
    }

    /// Reads what libssh buffered while the endpoint was paused.
    private func drainBufferedOutput() -> Bool {
        var progressed = false
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        for isStandardError: Int32 in [0, 1] {
            while !endpoint.isReceivingPaused {
                let available = ssh_channel_poll(channel, isStandardError)
                guard available > 0 else { break }
                let count = buffer.withUnsafeMutableBytes {
                    ssh_channel_read_nonblocking(channel, $0.baseAddress, UInt32($0.count), isStandardError)
                }
                guard count > 0 else { break }
                buffer.withUnsafeBytes {
                    endpoint.receive(
                        UnsafeRawBufferPointer(rebasing: $0[..<Int(count)]), isStandardError: isStandardError != 0)
                }
                progressed = true
            }
        }
        if !endpoint.isReceivingPaused { hasUndeliveredOutput = false }
        return progressed
    }

    /// Writes queued input while the remote window allows, then EOF once input is closed.
    private func writeInput() -> Result<Bool, SSHError> {
        var progressed = false
        while !sentEndOfInput {
            if outboundOffset == outbound.count {
                outbound = endpoint.takeOutboundBytes() ?? []
                outboundOffset = 0
                if outbound.isEmpty {
                    guard endpoint.isInputClosed else { break }
                    let result = ssh_channel_send_eof(channel)
                    if result == SSH_AGAIN { break }
                    guard result == SSH_OK else {
                        return .failure(channelError("could not close the command's input", result))
                    }
                    sentEndOfInput = true
                    progressed = true
                    break
                }
            }
            let window = Int(ssh_channel_window_size(channel))
            guard window > 0 else { break }
            let count = min(window, outbound.count - outboundOffset)
            let written = outbound.withUnsafeBytes {
                ssh_channel_write(channel, $0.baseAddress! + outboundOffset, UInt32(count))
            }
            guard written >= 0 else {
                return .failure(channelError("could not write the command's input", written))
            }
            if written == 0 { break }
            outboundOffset += Int(written)
            progressed = true
        }
        return .success(progressed)
    }

    private func channelError(_ message: String, _ result: Int32) -> SSHError {
        session.isConnected
            ? session.error(.channelOpenFailed, "\(message): \(command)", returnCode: result)
            : session.error(.disconnected, "the SSH connection was lost: \(message)", returnCode: result)
    }

    private func finish(_ outcome: Result<SSHExitStatus, SSHError>) -> Bool {
        phase = .finished
        ssh_remove_channel_callbacks(channel, callbacks)
        if session.isConnected { _ = ssh_channel_close(channel) }
        ssh_channel_free(channel)
        endpoint.finished(outcome)
        return true
    }
}
