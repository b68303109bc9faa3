import AgentProto
import CLibSSH

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The session thread's own state: the session once connected, the libssh event that polls its
/// socket together with the wake-up eventfd, the server-alive check, and the failure that ended it.
///
/// Not `Sendable`: it exists only on the session thread and is handed to jobs there.
final class SSHSessionContext {
    private let wakeDescriptor: Int32
    /// The connected, authenticated session; `nil` before ``install(_:)`` and after shutdown.
    private(set) var session: SSHSession?
    private var event: ssh_event?
    /// Why the connection ended, once it has.
    private(set) var failure: SSHError?
    /// `ServerAliveInterval`/`ServerAliveCountMax`; `nil` when keepalives are off.
    private var aliveCheck: SSHServerAliveCheck?
    private var receivedPacketCount: UInt64 = 0
    /// Whether and how long to poll before sleeping, when input is expected soon.
    private var inputPolling = InputPolling()
    /// The last wait found input on every read: a transfer is streaming, the cores are busy, and a
    /// polling thread would only take time from the processes feeding it.
    private var wasStreaming = false

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
        aliveCheck = SSHServerAliveCheck(
            intervalSeconds: session.configuration.serverAliveInterval,
            countMax: session.configuration.serverAliveCountMax, now: Self.now)
        receivedPacketCount = session.receivedPacketCount
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

    /// Waits for the socket, a wake-up or the next server-alive check; returns at once when `immediately`.
    func wait(immediately: Bool) {
        if let event, failure == nil {
            var timeout: Int32 = immediately ? 0 : -1
            if let aliveCheck, !immediately {
                timeout = Int32(clamping: aliveCheck.millisecondsUntilDue(at: Self.now))
            }
            acknowledgeAtOnce()
            if timeout != 0, let session, waitPolling(on: session, timeoutMilliseconds: timeout) { timeout = 0 }
            // libssh 0.10 reads its socket 4 KiB at a time, once per poll: during a bulk transfer,
            // read on while bytes keep coming instead of servicing every channel after each 4 KiB.
            // Channel data reaches its endpoint from inside the poll either way.
            var polls = 0
            while ssh_event_dopoll(event, polls == 0 ? timeout : 0) == SSH_OK, polls < Self.pollsPerTurn, failure == nil
            {
                polls += 1
            }
            wasStreaming = polls >= Self.pollsPerTurn
            checkServerAlive()
        } else {
            var descriptor = pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, 1, immediately ? 0 : -1)
            var count: UInt64 = 0
            _ = read(wakeDescriptor, &count, MemoryLayout<UInt64>.size)
        }
    }

    /// When input is expected soon (see ``InputPolling``), waits for the socket or the wake-up
    /// descriptor, polling first; libssh then reads without waiting. Returns false, without waiting,
    /// when nothing is expected soon.
    private func waitPolling(on session: SSHSession, timeoutMilliseconds: Int32) -> Bool {
        let channels = session.channels
        // Bytes libssh could not write yet need the socket writable, which only its own poll waits
        // for (and a request stuck there is one the server cannot answer); input the channel window
        // holds back waits for the server, not for a reply.
        let isOnlyWaiting =
            !wasStreaming && ssh_get_poll_flags(session.handle) & SSH_WRITE_PENDING == 0
            && !channels.contains(where: \.hasUnsentInput)
        let socket = ssh_get_fd(session.handle)
        guard
            let expected = inputPolling.expectation(
                isAwaitingReply: channels.contains(where: \.endpoint.isAwaitingReply), isOnlyWaiting: isOnlyWaiting),
            socket >= 0
        else { return false }
        _ = inputPolling.wait(
            for: expected, input: socket, wake: wakeDescriptor, timeoutMilliseconds: timeoutMilliseconds)
        return true
    }

    /// How many socket reads one turn of the session loop makes at most before it services the
    /// channels again (writes, window, pauses): 16 × 4 KiB keeps a turn short.
    static let pollsPerTurn = 16

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
        end(
            session,
            with: session.error(
                .disconnected,
                "the SSH connection to \(session.configuration.hostName) was lost; "
                    + "check that the server is up and connect again",
                returnCode: SSH_ERROR))
    }

    /// Ends the session with `error`: every channel fails with it, and so does every later request.
    private func end(_ session: SSHSession, with error: SSHError) {
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

    /// Counts what the server sent since the last look, sends a keepalive when one is due, and ends
    /// the session when the server left `ServerAliveCountMax` of them unanswered.
    private func checkServerAlive() {
        guard var check = aliveCheck, let session, failure == nil else { return }
        let now = Self.now
        let received = session.receivedPacketCount
        if received != receivedPacketCount {
            receivedPacketCount = received
            check.received(at: now)
        }
        switch check.check(at: now) {
        case .wait:
            break
        case .sendKeepalive:
            sendKeepalive(session)
        case .giveUp(let unanswered, let seconds):
            giveUp(session, unanswered: unanswered, seconds: seconds)
        }
        aliveCheck = check
    }

    /// Sends keepalive@openssh.com with want-reply: the server must answer (it refuses the unknown
    /// request), and that answer is what counts as alive.
    private func sendKeepalive(_ session: SSHSession) {
        let sent = session.sentPacketCount
        _ = ssh_send_keepalive(session.handle)
        // libssh keeps the previous request's answer until its next global request, which then only
        // collects that answer and sends nothing; the second call sends. While a request is still
        // unanswered, neither call sends, and the unanswered count is what ends the session.
        if session.sentPacketCount == sent { _ = ssh_send_keepalive(session.handle) }
    }

    /// Ends a session whose server stopped answering, as OpenSSH's "Timeout, server not responding".
    private func giveUp(_ session: SSHSession, unanswered: Int, seconds: Int) {
        // A stopped server's kernel still accepts our bytes, so libssh would not notice on its own.
        // Closing the receiving side makes it see end of input at once, as with a server that went
        // away: it marks the session disconnected, and no channel tries to close politely (which
        // could wait on a full send buffer).
        let descriptor = ssh_get_fd(session.handle)
        if descriptor >= 0 {
            _ = shutdown(descriptor, Int32(SHUT_RD))
            if let event { _ = ssh_event_dopoll(event, 0) }
        }
        let keepalives = unanswered == 1 ? "1 keepalive" : "\(unanswered) keepalives"
        end(
            session,
            with: SSHError(
                .timedOut,
                "Timeout, server \(session.configuration.hostName) not responding "
                    + "(no answer to \(keepalives) in \(seconds) s)"))
    }

    /// Monotonic milliseconds.
    private static var now: Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }
}
