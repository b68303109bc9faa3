import AgentProto
import ArgumentParser

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

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

    /// Parses the raw arguments for `fs` and `exec`: `CommandLine.arguments` replaces bytes that are
    /// not UTF-8 with U+FFFD, so `mproxy fs host get $'caf\351'` could not name its file and
    /// `mproxy exec host -- touch $'caf\351'` would create another; ``PathBytes`` keeps them. Other
    /// commands get the standard arguments.
    static func main() async {
        var arguments: [String] = []
        for index in 1..<Int(CommandLine.argc) {
            guard let argument = CommandLine.unsafeArgv[index] else { continue }
            arguments.append(
                PathBytes.string(
                    from: UnsafeBufferPointer(start: argument, count: strlen(argument)).map {
                        UInt8(bitPattern: $0)
                    }))
        }
        let keepsBytes = arguments.first == "fs" || arguments.first == "exec"
        await main(keepsBytes ? arguments : Array(CommandLine.arguments.dropFirst()))
    }
}
