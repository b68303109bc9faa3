import ArgumentParser

/// Every command `mproxy fs` knows, by the name typed.
enum FSSubcommands {
    static let all: [any FSSubcommand.Type] = [
        FSListCommand.self, FSStatCommand.self, FSCatCommand.self, FSGetCommand.self, FSPutCommand.self,
        FSMakeDirectoryCommand.self, FSRemoveCommand.self, FSRemoveDirectoryCommand.self, FSMoveCommand.self,
        FSCopyCommand.self, FSLinkCommand.self, FSReadLinkCommand.self, FSChangeModeCommand.self,
        FSChangeOwnerCommand.self, FSTouchCommand.self, FSTruncateCommand.self, FSDiskFreeCommand.self,
        FSDiskUsageCommand.self, FSFindCommand.self, FSTreeCommand.self, FSPrintDirectoryCommand.self,
    ]

    /// The command named `name`.
    static func named(_ name: String) -> (any FSSubcommand.Type)? {
        all.first { $0.configuration.commandName == name }
    }

    /// Parses `words` (command name first) and runs it; parse errors are printed the way
    /// ArgumentParser prints them, with its exit code.
    static func run(_ words: [String], in session: FSSession) async -> Int32 {
        guard let name = words.first else { return 0 }
        guard let type = named(name) else {
            StandardIO.writeStandardError("mproxy fs: unknown command '\(name)'; try 'help'")
            return 2
        }
        let command: any FSSubcommand
        do {
            command = try type.parse(Array(words.dropFirst()))
        } catch {
            let message = type.fullMessage(for: error)
            let code = type.exitCode(for: error)
            if code == .success {
                session.print(message)
                return 0
            }
            StandardIO.writeStandardError("\(name): \(message)")
            return code.rawValue
        }
        return await command.run(in: session)
    }

    /// One line per command, for `help` in the shell.
    static var summary: String {
        all.map { type in
            let name = type.configuration.commandName ?? ""
            return FSFormat.padRight(name, 10) + type.configuration.abstract
        }.joined(separator: "\n")
    }
}
