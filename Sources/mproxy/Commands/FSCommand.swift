import AgentProto
import ArgumentParser
import WorkspaceFS

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// `mproxy fs [options] DESTINATION [COMMAND ...]`: work with files on a destination's file system.
struct FSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fs",
        abstract: "Work with files on a remote machine: ls, stat, cat, get, put, mkdir, rm, mv, ln, df, find, ...",
        discussion: """
            DESTINATION is a host as for mproxy exec (host, user@host, host:port, ssh://...) or 'local' (the agent runs here, as a child). Without a COMMAND an \
            interactive shell opens (commands from standard input when it is not a terminal, like sftp -b).
            Commands: \(FSSubcommands.all.compactMap { $0.configuration.commandName }.joined(separator: ", ")).
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Confine every file operation to DIR on the destination (symlinks included).")
    var root: String?

    @Flag(name: .shortAndLong, help: "No progress output.")
    var quiet = false

    @Argument(help: "Where the files are: a host, or 'local'.")
    var destination: String

    @Argument(parsing: .captureForPassthrough, help: "The command and its arguments.")
    var command: [String] = []

    func run() async {
        await ProcessExit.after { try await runCommand() }
    }

    private func runCommand() async throws {
        let connection: FSConnection
        do {
            connection = try await FSConnection(
                destination: destination, options: self.connection.hostOptions(), root: root)
        } catch {
            StandardIO.writeStandardError("mproxy fs: \(error)")
            throw ExitCode(255)
        }
        defer { connection.close() }
        let fileSystem = RemoteFileSystem(client: connection.mux)
        let start: String
        do {
            start = try await fileSystem.currentDirectory()
        } catch {
            StandardIO.writeStandardError("mproxy fs: the agent does not answer file operations: \(error.message)")
            throw ExitCode(255)
        }
        if root != nil, !(connection.agentCapabilities ?? []).contains("root") {
            StandardIO.writeStandardError(
                "mproxy fs: the agent cannot confine paths (--root); use an mproxy-agent that announces 'root'")
            throw ExitCode(255)
        }
        // The hello came before the Getwd answer, so the capabilities are known now.
        let capabilities = connection.agentCapabilities ?? []
        let session = FSSession(
            fileSystem: RemoteFileSystem(client: connection.mux, agentCapabilities: capabilities),
            remoteDirectory: start, isQuiet: quiet || isatty(STDERR_FILENO) == 0,
            namesOwnersLocally: destination == "local")
        let status: Int32
        if command.isEmpty {
            status = await FSShell(session: session).run()
        } else {
            status = await FSSubcommands.run(command, in: session)
        }
        if status != 0 { throw ExitCode(status) }
    }
}
