import CLibSSH

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The session thread's own state: the session once connected, the libssh event that polls its
/// socket together with the wake-up eventfd, keepalive timing, and the failure that ended it.
///
/// Not `Sendable`: it exists only on the session thread and is handed to jobs there.
final class SSHSessionContext {
    private let wakeDescriptor: Int32
    /// The connected, authenticated session; `nil` before ``install(_:)`` and after shutdown.
    private(set) var session: SSHSession?
    private var event: ssh_event?
    /// Why the connection ended, once it has.
    private(set) var failure: SSHError?
    private var keepaliveInterval: Int = 0
    private var nextKeepalive: Int64 = 0

    init(wakeDescriptor: Int32) {
        self.wakeDescriptor = wakeDescriptor
    }

    /// The session, or the error that says why there is none.
    func requireSession() throws(SSHError) -> SSHSession {
        if let session { return session }
        throw failure ?? SSHError(.disconnected, "the SSH connection is not open; connect again")
    }

    /// Takes over a connected, authenticated session: from now on every libssh call is non-blocking
    /// and driven by this thread's loop.
    func install(_ session: SSHSession) throws(SSHError) {
        guard let event = ssh_event_new() else {
            throw SSHError(.connectionFailed, "libssh could not create a poll event; the process is out of memory")
        }
        ssh_set_blocking(session.handle, 0)
        let addedSession = ssh_event_add_session(event, session.handle)
        let addedWake = ssh_event_add_fd(
            event, wakeDescriptor, Int16(POLLIN),
            { descriptor, _, _ in
                var count: UInt64 = 0
                _ = read(descriptor, &count, MemoryLayout<UInt64>.size)
                return 0
            }, nil)
        guard addedSession == SSH_OK, addedWake == SSH_OK else {
            ssh_event_free(event)
            throw session.error(.connectionFailed, "libssh could not poll the session socket", returnCode: SSH_ERROR)
        }
        self.session = session
        self.event = event
        keepaliveInterval = session.configuration.serverAliveInterval
        nextKeepalive = Self.now + Int64(keepaliveInterval) * 1000
    }

    /// Starts `command` on a new channel whose bytes go to and come from `endpoint`.
    func startChannel(command: String, endpoint: any SSHChannelEndpoint) throws(SSHError) {
        let session = try requireSession()
        session.channels.append(try SSHChannelPump(session: session, command: command, endpoint: endpoint))
    }

    /// Services every channel once; returns whether any made progress that may allow more at once.
    func serviceChannels() -> Bool {
        guard let session else { return false }
        var progressed = false
        var index = 0
        // Indexed, not iterated: a channel's callbacks may run while another is serviced, never append.
        while index < session.channels.count {
            progressed = session.channels[index].service() || progressed
            index += 1
        }
        session.channels.removeAll { $0.isFinished }
        return progressed
    }

    /// Waits for the socket, a wake-up or the next keepalive; returns at once when `immediately`.
    func wait(immediately: Bool) {
        if let event, failure == nil {
            var timeout: Int32 = immediately ? 0 : -1
            if keepaliveInterval > 0 && !immediately {
                timeout = Int32(clamping: max(0, nextKeepalive - Self.now))
            }
            acknowledgeAtOnce()
            _ = ssh_event_dopoll(event, timeout)
            sendKeepaliveIfDue()
        } else {
            var descriptor = pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, 1, immediately ? 0 : -1)
            var count: UInt64 = 0
            _ = read(wakeDescriptor, &count, MemoryLayout<UInt64>.size)
        }
    }

    /// Puts the socket in quick-ACK mode for what arrives next. sshd leaves Nagle's algorithm on for
    /// sessions without a terminal, so a small reply that follows unacknowledged data of its own (the
    /// host-key announcement after login, then the channel-open confirmation) waits for our ACK, which
    /// the kernel delays by 40 ms: a cold command spent that long waiting for its first channel. The
    /// kernel leaves the mode again on its own, hence once per wait.
    private func acknowledgeAtOnce() {
        guard let session else { return }
        let descriptor = ssh_get_fd(session.handle)
        guard descriptor >= 0 else { return }
        var enabled: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_QUICKACK, &enabled, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Notices a lost connection and fails every channel with it.
    func checkConnection() {
        guard let session, failure == nil, !session.isConnected else { return }
        let error = session.error(
            .disconnected,
            "the SSH connection to \(session.configuration.hostName) was lost; "
                + "check that the server is up and connect again",
            returnCode: SSH_ERROR)
        failure = error
        for channel in session.channels { channel.connectionLost(error) }
        session.channels.removeAll()
        if let event {
            _ = ssh_event_remove_session(event, session.handle)
            _ = ssh_event_remove_fd(event, wakeDescriptor)
            ssh_event_free(event)
            self.event = nil
        }
        self.session = nil
    }

    /// Closes every channel and the session, releasing libssh's resources.
    func shutDown() {
        if failure == nil { failure = SSHError(.disconnected, "the SSH connection was closed") }
        if let session, let failure {
            for channel in session.channels { channel.connectionLost(failure) }
            session.channels.removeAll()
            if let event { _ = ssh_event_remove_session(event, session.handle) }
        }
        if let event {
            _ = ssh_event_remove_fd(event, wakeDescriptor)
            ssh_event_free(event)
            self.event = nil
        }
        session = nil
    }

    private func sendKeepaliveIfDue() {
        guard keepaliveInterval > 0, let session, Self.now >= nextKeepalive else { return }
        // keepalive@openssh.com with want-reply; a dead peer then shows up as a failed write.
        _ = ssh_send_keepalive(session.handle)
        nextKeepalive = Self.now + Int64(keepaliveInterval) * 1000
    }

    /// Monotonic milliseconds.
    private static var now: Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }
}
