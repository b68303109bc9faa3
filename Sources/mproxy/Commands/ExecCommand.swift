import AgentProto
import ArgumentParser
import Foundation
import RemoteExec
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// `mproxy exec DESTINATION -- CMD [ARGS...]`: runs one program remotely as if it ran here.
struct ExecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a program on a remote host (or locally through the agent) with its exact I/O and exit code.",
        discussion: """
            DESTINATION is host, user@host, host:port, [v6]:port, ssh://user@host:port, or local
            (the agent runs as a child here). The argv is sent verbatim to the agent, never through
            a remote shell. Standard input is forwarded (-n for none); standard output and error stay
            separate and byte-exact.

            Environment: by default the command gets the remote login environment, as with ssh. With
            --env, --env-keep or --env-remove it gets this machine's environment plus --env values,
            filtered on the agent: names matching --env-keep are kept (default HOME PATH TERM LANG
            LC_* USER LOGNAME SHELL EDITOR VISUAL PAGER TZ DISPLAY SSH_AUTH_SOCK XDG_*), names matching
            --env-remove dropped (default LD_PRELOAD LD_LIBRARY_PATH MPROXY_*). Patterns are globs or
            /regex/. --env names are always kept.

            SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 go to the remote process group; a
            second Ctrl-C within a second kills it and exits 130.

            Exit status: the remote command's, 128+N when signal N ended it, 127 when it could not
            start, 255 with a one-line reason when connecting or installing the agent failed.
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Flag(name: .customShort("n"), help: "Send no standard input (the command reads end of file).")
    var noStandardInput = false

    @Option(help: ArgumentHelp("Working directory on the remote.", valueName: "DIR"))
    var cwd: String?

    @Option(help: ArgumentHelp("Set a variable (repeatable).", valueName: "K=V"))
    var env: [String] = []

    @Option(
        help: ArgumentHelp(
            "Keep variables matching this pattern (repeatable; replaces the defaults).", valueName: "PATTERN"))
    var envKeep: [String] = []

    @Option(
        help: ArgumentHelp(
            "Remove variables matching this pattern (repeatable; replaces the defaults).", valueName: "PATTERN"))
    var envRemove: [String] = []

    @Option(
        help: ArgumentHelp(
            "Send SIGTERM after this long (90, 1.5s, 2m, 500ms), then SIGKILL after --kill-after.", valueName: "D"))
    var timeout: ExecDuration?

    @Option(help: ArgumentHelp("Grace between the timeout's SIGTERM and SIGKILL.", valueName: "D"))
    var killAfter: ExecDuration = ExecDuration(duration: .seconds(5))

    @Option(
        help: ArgumentHelp(
            "Record every frame of the session to this file (mproxy replay plays it).", valueName: "FILE"))
    var record: String?

    @Argument(help: "Where to run.")
    var destination: String

    @Argument(parsing: .captureForPassthrough, help: "The program and its arguments (after --).")
    var command: [String] = []

    func validate() throws {
        let words = command.first == "--" ? Array(command.dropFirst()) : command
        guard !words.isEmpty else {
            throw ValidationError("give the program to run after --: mproxy exec HOST -- CMD ARGS...")
        }
        for assignment in env where !assignment.contains("=") || assignment.hasPrefix("=") {
            throw ValidationError("--env wants NAME=VALUE, not '\(assignment)'")
        }
    }

    func run() async {
        await ProcessExit.after { try await runCommand() }
    }

    private func runCommand() async throws {
        signal(SIGPIPE, SIG_IGN)
        let words = command.first == "--" ? Array(command.dropFirst()) : command
        let clock = ContinuousClock()
        let started = clock.now
        let host: RemoteHost
        do {
            host = try await RemoteHost.connect(
                to: try ExecutionDestination(parsing: destination), options: connection.hostOptions(commandCount: 1))
        } catch {
            throw Self.fail(error)
        }
        let remoteCommand = makeCommand(words)
        let verbose = connection.verbose
        let spawnStart = clock.now
        let recorder: Recorder?
        let recording: CommandRecording?
        let process: RemoteProcess
        var log: (@Sendable (LogRecord) -> Void)?
        if verbose {
            log = { record in
                StandardIO.writeStandardError(
                    "mproxy: agent: \(record.message) \(record.attributes.joined(separator: " "))")
            }
        }
        do {
            // The agent first: the recording's header names where it runs.
            let agent = try await host.launchAgent()
            recorder = try record.map {
                try Recorder(
                    path: $0,
                    header: .local(
                        version: "mproxy 0.1.0", backendType: host.launcher.backendType,
                        backendAddress: host.launcher.address, agentPath: agent.agentPath))
            }
            recording = try recorder?.startCommand(remoteCommand.execRequest)
            process = try host.start(
                remoteCommand, on: agent, options: RemoteProcessOptions(observer: recording, log: log))
        } catch {
            throw Self.fail(error)
        }
        if verbose {
            StandardIO.writeStandardError(
                "mproxy: spawn \(ConnectionOptions.milliseconds(clock.now - spawnStart)) agent \(process.agentPath)")
        }
        let isForcedByInterrupt = Mutex(false)
        ExecSignalForwarder.start(for: process) { [recorder] in
            isForcedByInterrupt.withLock { $0 = true }
            StandardIO.writeStandardError("mproxy: killed the remote command (second Ctrl-C)")
            // Normally the agent reports the kill at once and the command ends below with 130; a
            // connection that no longer answers gets one second.
            Thread.detachNewThread {
                sleep(1)
                try? recorder?.close()
                ProcessExit.now(130)
            }
        }
        if noStandardInput {
            try? process.standardInput.closeNow()
        } else {
            ExecStreamPump.forwardStandardInput(to: process.standardInput)
        }
        let timeoutTask = timeout.map { limit in
            Task { [killAfter] in
                try await Task.sleep(for: limit.duration)
                StandardIO.writeStandardError("mproxy: timed out after \(limit.text); sending SIGTERM")
                try? process.send(signal: SIGTERM)
                try await Task.sleep(for: killAfter.duration)
                try? process.send(signal: SIGKILL)
            }
        }
        let runStart = clock.now
        async let output: Void = ExecStreamPump.copy(process.standardOutput, to: STDOUT_FILENO)
        async let errors: Void = ExecStreamPump.copy(process.standardError, to: STDERR_FILENO)
        let status: TerminationStatus
        do {
            status = try await process.terminationStatus()
        } catch {
            try? recorder?.close()
            throw Self.fail(error)
        }
        await output
        await errors
        timeoutTask?.cancel()
        do {
            try recording?.finish(exitCode: status.code)
            try recorder?.close()
        } catch {
            StandardIO.writeStandardError("mproxy: the recording is incomplete: \(error)")
        }
        if verbose {
            StandardIO.writeStandardError(
                "mproxy: run \(ConnectionOptions.milliseconds(clock.now - runStart)), total \(ConnectionOptions.milliseconds(clock.now - started)), \(status)"
            )
        }
        if !status.errorText.isEmpty { StandardIO.writeStandardError("mproxy: \(words[0]): \(status.errorText)") }
        host.close()
        throw ExitCode(isForcedByInterrupt.withLock { $0 } ? 130 : status.shellExitCode)
    }

    private func makeCommand(_ words: [String]) -> RemoteCommand {
        var command = RemoteCommand(
            executable: words[0], arguments: Array(words.dropFirst()), workingDirectory: cwd ?? "")
        guard !env.isEmpty || !envKeep.isEmpty || !envRemove.isEmpty else { return command }
        var environment = ProcessInfo.processInfo.environment
        var setNames: [String] = []
        for assignment in env {
            let parts = assignment.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            environment[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
            setNames.append(String(parts[0]))
        }
        command.environment = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        // Names set with --env are kept whatever the patterns say, unless removed explicitly.
        command.environmentKeep =
            (envKeep.isEmpty ? RemoteCommand.defaultEnvironmentKeep : envKeep) + setNames.map(Self.globEscaped)
        command.environmentRemove = envRemove.isEmpty ? RemoteCommand.defaultEnvironmentRemove : envRemove
        return command
    }

    /// A name as a glob matching only itself.
    private static func globEscaped(_ name: String) -> String {
        var result = ""
        for character in name {
            if "*?[]\\".contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }

    /// Reports `error` as `ssh` does (one line) and exits 255.
    static func fail(_ error: any Error) -> ExitCode {
        StandardIO.writeStandardError("mproxy: \(error)")
        return ExitCode(255)
    }
}
