public import Logging

/// One SSH connection to a host, made with libssh and kept open: every command runs on its own
/// channel, many at once, all served by the connection's session thread.
public final class SSHConnection: Sendable {
    /// The settings the connection was made with, after `ssh -G` and the overrides.
    public let configuration: SSHHostConfiguration
    /// The destination as it was given.
    public let destination: Destination
    let thread: SSHSessionThread
    let logger: Logger

    private init(
        destination: Destination, configuration: SSHHostConfiguration, thread: SSHSessionThread, logger: Logger
    ) {
        self.destination = destination
        self.configuration = configuration
        self.thread = thread
        self.logger = logger
    }

    deinit {
        close()
    }

    /// Connects to `destination`: resolves its settings (`ssh -G`, else libssh's ssh_config parser),
    /// connects with TCP_NODELAY, checks the host key, and authenticates.
    ///
    /// - Throws: ``SSHError`` naming what failed and what to do: `connectionFailed`, `timedOut`,
    ///   `hostKeyUnknown`, `hostKeyChanged` or `authenticationFailed`.
    public static func connect(
        to destination: Destination, overrides: SSHConnectionOverrides = SSHConnectionOverrides(),
        logger: Logger = Logger(label: "mproxy.ssh")
    ) async throws(SSHError) -> SSHConnection {
        let thread = try SSHSessionThread()
        let destinationText = destination.description
        do {
            let configuration = try await thread.perform { context throws(SSHError) in
                let resolved = try SSHHostConfiguration.resolve(destination: destination, overrides: overrides)
                let session = try SSHSession(configuration: resolved)
                try session.applyConfiguration(overrides: overrides, destination: destination)
                try session.connect()
                try SSHKnownHosts.verify(session, destination: destinationText)
                try SSHAuthentication.authenticate(session, allowsTerminalPrompts: overrides.allowsTerminalPrompts)
                try context.install(session)
                return session.configuration
            }
            logger.debug(
                "connected",
                metadata: [
                    "host": "\(configuration.hostName)", "port": "\(configuration.port)",
                    "user": "\(configuration.user)",
                    "source": "\(configuration.source)",
                ])
            return SSHConnection(destination: destination, configuration: configuration, thread: thread, logger: logger)
        } catch {
            thread.stop()
            throw error
        }
    }

    /// Starts `command` on a new channel (the server runs it with the user's login shell) and returns
    /// once the server has accepted it.
    ///
    /// - Throws: ``SSHError`` `channelOpenFailed`, or `disconnected` when the connection is gone.
    public func execute(_ command: String) async throws(SSHError) -> SSHChannel {
        let channel = SSHChannel(command: command, connection: self)
        try await thread.perform { context throws(SSHError) in
            try context.startChannel(command: command, endpoint: channel)
        }
        try await channel.waitUntilStarted()
        return channel
    }

    /// Runs a small helper command to completion (`uname -sm`, `sha256sum FILE`), feeding it
    /// `standardInput`, and collects its output. A non-zero exit is a result, not an error.
    public func run(_ command: String, standardInput: [UInt8] = []) async throws(SSHError) -> SSHCommandResult {
        let channel = try await execute(command)
        // A command that fails early (say, `mkdir` in an upload) closes its input while we still
        // write: its exit status and standard error explain that better than the broken write.
        var inputError: SSHError?
        if !standardInput.isEmpty {
            do {
                try await channel.write(standardInput)
            } catch {
                inputError = error
            }
        }
        channel.closeInput()
        var result = SSHCommandResult(standardOutput: [], standardError: [], status: .unknown)
        do {
            for try await chunk in channel.output {
                switch chunk.stream {
                case .standardOutput: result.standardOutput += chunk.bytes
                case .standardError: result.standardError += chunk.bytes
                }
            }
        } catch let error as SSHError {
            throw error
        } catch {
            throw SSHError(.disconnected, "reading the output of '\(command)' failed: \(error)")
        }
        result.status = try await channel.exitStatus()
        if let inputError, result.status == .exited(0) || result.status == .unknown { throw inputError }
        return result
    }

    /// Whether the connection is still up, as the session thread last saw it.
    public var isConnected: Bool {
        get async {
            (try? await thread.perform { context throws(SSHError) in _ = try context.requireSession() }) != nil
        }
    }

    /// Closes every channel and the connection. Idempotent.
    public func close() {
        thread.stop()
    }
}
