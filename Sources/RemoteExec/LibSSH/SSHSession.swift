import CLibSSH

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// One libssh session and the channels on it, used only by its ``SSHSessionThread``.
///
/// Not `Sendable`: libssh sessions are not thread-safe, so the session thread creates it, alone
/// calls it, and frees it.
final class SSHSession {
    /// The libssh handle, valid for the object's lifetime.
    let handle: ssh_session
    /// The settings the session was configured with.
    private(set) var configuration: SSHHostConfiguration
    /// The channels being serviced by the session thread's loop.
    var channels: [SSHChannelPump] = []
    /// libssh's packet counts for this session (`ssh_set_counters`), read to see whether the server
    /// said anything and whether a keepalive went out.
    private let packetCounter: UnsafeMutablePointer<ssh_counter_struct>

    /// Creates a session for `configuration`; nothing is sent until ``connect()``.
    init(configuration: SSHHostConfiguration) throws(SSHError) {
        guard let handle = ssh_new() else {
            throw SSHError(.connectionFailed, "libssh could not create a session; the process is out of memory")
        }
        self.handle = handle
        self.configuration = configuration
        packetCounter = .allocate(capacity: 1)
        packetCounter.initialize(to: ssh_counter_struct())
        ssh_set_counters(handle, nil, packetCounter)
    }

    deinit {
        for channel in channels { channel.release() }
        ssh_disconnect(handle)
        ssh_free(handle)
        packetCounter.deinitialize(count: 1)
        packetCounter.deallocate()
    }

    /// Packets received from the server so far, every kind (channel data, window adjustments, replies).
    var receivedPacketCount: UInt64 { packetCounter.pointee.in_packets }

    /// Packets sent to the server so far.
    var sentPacketCount: UInt64 { packetCounter.pointee.out_packets }

    /// libssh's description of the last failure on this session.
    var lastErrorText: String {
        guard let text = ssh_get_error(UnsafeMutableRawPointer(handle)) else { return "" }
        return String(cString: text)
    }

    /// An ``SSHError`` carrying libssh's return code and text for the call that just failed.
    func error(_ code: SSHError.Code, _ message: String, returnCode: Int32) -> SSHError {
        SSHError(code, message, libSSHReturnCode: returnCode, libSSHErrorText: lastErrorText)
    }

    /// Whether the connection is still up.
    var isConnected: Bool { ssh_is_connected(handle) != 0 }

    /// Sets libssh's options from ``configuration``; for settings from libssh's own parser, runs it
    /// first and reads back what it chose.
    func applyConfiguration(overrides: SSHConnectionOverrides, destination: Destination) throws(SSHError) {
        try setOption(SSH_OPTIONS_HOST, string: configuration.hostName)
        if configuration.source == .libSSH {
            let file = configuration.configurationFile
            let result = file.map { ssh_options_parse_config(handle, $0) } ?? ssh_options_parse_config(handle, nil)
            guard result == SSH_OK else {
                throw error(.connectionFailed, "libssh could not read ssh_config \(file ?? "")", returnCode: result)
            }
            readBackParsedConfiguration()
            configuration.apply(overrides, destination: destination)
        } else {
            // The settings are complete already; libssh must not read ssh_config again at connect.
            var processConfig: Int32 = 0
            ssh_options_set(handle, SSH_OPTIONS_PROCESS_CONFIG, &processConfig)
        }
        try setOption(SSH_OPTIONS_HOST, string: configuration.hostName)
        try setOption(SSH_OPTIONS_USER, string: configuration.user)
        var port = UInt32(configuration.port)
        try setOption(SSH_OPTIONS_PORT, pointer: &port)
        if let knownHosts = configuration.userKnownHostsFiles.first {
            try setOption(SSH_OPTIONS_KNOWNHOSTS, string: knownHosts)
        }
        if let proxyCommand = configuration.proxyCommandIncludingJump {
            try setOption(SSH_OPTIONS_PROXYCOMMAND, string: proxyCommand)
        }
        if let agent = configuration.identityAgent, agent != "none", agent != "SSH_AUTH_SOCK" {
            try setOption(SSH_OPTIONS_IDENTITY_AGENT, string: SSHPathExpansion.expandTilde(agent))
        }
        var timeout = Int(configuration.connectTimeout ?? 10)
        try setOption(SSH_OPTIONS_TIMEOUT, pointer: &timeout)
        // Small frames must not wait for Nagle's algorithm: an exec on loopback drops from ~44 ms to ~2 ms.
        var noDelay: Int32 = 1
        try setOption(SSH_OPTIONS_NODELAY, pointer: &noDelay)
    }

    /// Runs `body`, which checks or saves the server's key with libssh's known_hosts calls, under
    /// the name the key is filed under: libssh derives it from the session's host and port, so with a
    /// `HostKeyAlias` they are set to spell the alias while `body` runs.
    func withKnownHostsName<Outcome>(_ body: () -> Outcome) throws(SSHError) -> Outcome {
        guard let alias = configuration.hostKeyAlias else { return body() }
        var (aliasHost, aliasPort) = Self.hostAndPort(spelling: alias)
        var port = UInt32(configuration.port)
        try setOption(SSH_OPTIONS_HOST, string: aliasHost)
        try setOption(SSH_OPTIONS_PORT, pointer: &aliasPort)
        let outcome = body()
        try setOption(SSH_OPTIONS_HOST, string: configuration.hostName)
        try setOption(SSH_OPTIONS_PORT, pointer: &port)
        return outcome
    }

    /// The host and port from which libssh spells `name` in known_hosts: libssh writes `[host]:port`
    /// off port 22, and reads a host option of `[host]:port` as the host alone, so such a name is
    /// that host and port; any other name is itself with port 22.
    static func hostAndPort(spelling name: String) -> (host: String, port: UInt32) {
        guard name.hasPrefix("["), let close = name.lastIndex(of: "]"), name[close...].hasPrefix("]:"),
            let port = UInt32(name[name.index(close, offsetBy: 2)...]), port != 22
        else { return (name, 22) }
        return (String(name[name.index(after: name.startIndex)..<close]), port)
    }

    /// Connects and performs the key exchange, blocking the session thread.
    func connect() throws(SSHError) {
        let result = ssh_connect(handle)
        guard result == SSH_OK else {
            let text = lastErrorText
            let code: SSHError.Code = text.lowercased().contains("timeout") ? .timedOut : .connectionFailed
            var message = "could not connect to \(configuration.hostName) port \(configuration.port)"
            if configuration.alias != configuration.hostName { message += " (\(configuration.alias))" }
            message += ": \(text); check the host name, port and network, or the ProxyCommand/ProxyJump"
            throw SSHError(code, message, libSSHReturnCode: result, libSSHErrorText: text)
        }
    }

    private func readBackParsedConfiguration() {
        if let hostName = stringOption(SSH_OPTIONS_HOST) { configuration.hostName = hostName }
        if let user = stringOption(SSH_OPTIONS_USER) { configuration.user = user }
        var port: UInt32 = 0
        if ssh_options_get_port(handle, &port) == SSH_OK, port != 0 { configuration.port = Int(port) }
        if let knownHosts = stringOption(SSH_OPTIONS_KNOWNHOSTS) {
            configuration.userKnownHostsFiles = [SSHPathExpansion.expandTilde(knownHosts)]
        }
        if let identity = stringOption(SSH_OPTIONS_IDENTITY) {
            configuration.identityFiles = [SSHPathExpansion.expandTilde(identity)]
        }
    }

    private func stringOption(_ option: ssh_options_e) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard ssh_options_get(handle, option, &value) == SSH_OK, let value else { return nil }
        defer { ssh_string_free_char(value) }
        return String(cString: value)
    }

    private func setOption(_ option: ssh_options_e, string: String) throws(SSHError) {
        let result = ssh_options_set(handle, option, string)
        guard result == SSH_OK else {
            throw error(
                .connectionFailed, "libssh rejected the setting '\(string)' (option \(option.rawValue))",
                returnCode: result)
        }
    }

    private func setOption<Value>(_ option: ssh_options_e, pointer: UnsafeMutablePointer<Value>) throws(SSHError) {
        let result = ssh_options_set(handle, option, pointer)
        guard result == SSH_OK else {
            throw error(.connectionFailed, "libssh rejected a setting (option \(option.rawValue))", returnCode: result)
        }
    }
}
