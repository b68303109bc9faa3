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
            DESTINATION is 'local' (the agent runs here, as a child) or a host. Without a COMMAND an \
            interactive shell opens (commands from standard input when it is not a terminal, like sftp -b).
            Commands: \(FSSubcommands.all.compactMap { $0.configuration.commandName }.joined(separator: ", ")).
            """
    )

    @Option(help: "Confine every file operation to DIR on the destination (symlinks included).")
    var root: String?

    @Flag(name: .shortAndLong, help: "No progress output.")
    var quiet = false

    @Argument(help: "Where the files are: 'local', or a host.")
    var destination: String

    @Argument(parsing: .captureForPassthrough, help: "The command and its arguments.")
    var command: [String] = []

    func run() async throws {
        let connection: LocalAgentConnection
        do {
            connection = try await Self.connect(to: destination, root: root)
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
        let session = FSSession(
            fileSystem: fileSystem, remoteDirectory: start, isQuiet: quiet || isatty(STDERR_FILENO) == 0,
            namesOwnersLocally: destination == "local")
        let status: Int32
        if command.isEmpty {
            status = await FSShell(session: session).run()
        } else {
            status = await FSSubcommands.run(command, in: session)
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// Starts the agent for `destination` and sends the first Config (asking for the hello, and for
    /// confinement when `root` is given).
    static func connect(to destination: String, root: String?) async throws -> LocalAgentConnection {
        guard destination == "local" else {
            throw FSConnectionError(
                "'\(destination)': only the 'local' destination is available in this build; SSH destinations "
                    + "come with the ssh transport (mproxy exec)")
        }
        let connection = try LocalAgentConnection()
        var configuration = AgentConfiguration(extensions: ["hello"])
        if let root {
            configuration.extensions.append("root")
            configuration.workspaceRoot = root
        }
        try await connection.mux.send(.config(configuration))
        return connection
    }
}
