import ArgumentParser

/// `pwd`: the remote working directory.
struct FSPrintDirectoryCommand: FSSubcommand {
    static let configuration = CommandConfiguration(commandName: "pwd", abstract: "Print the remote working directory.")

    func run(in session: FSSession) async -> Int32 {
        session.print(session.remoteDirectory)
        return 0
    }
}
