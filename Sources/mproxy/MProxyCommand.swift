import ArgumentParser

/// The `mproxy` command: run programs and work with files on remote machines over one SSH session.
@main
struct MProxyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mproxy",
        abstract: "Run programs and work with files on remote machines as if they were local.",
        subcommands: [
            FramesCommand.self,
            FSCommand.self,
            ReplayCommand.self,
            ExecCommand.self,
            PathCommand.self,
        ]
    )
}
