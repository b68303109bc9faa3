import ArgumentParser
import SystemPackage
import WorkspaceFS

/// `ln [-s] TARGET LINK`.
struct FSLinkCommand: FSSubcommand {
    static let configuration = CommandConfiguration(commandName: "ln", abstract: "Make hard or symbolic links.")

    @Flag(name: .customShort("s"), help: "Make a symbolic link (TARGET stored as typed).") var symbolic = false
    @Argument(help: "The target.") var target: String
    @Argument(help: "The link to create.") var link: String

    func run(in session: FSSession) async -> Int32 {
        let linkPath = session.remote(link)
        do {
            if symbolic {
                try await session.fileSystem.createSymbolicLink(at: linkPath, withDestination: target)
            } else {
                try await session.fileSystem.createHardLink(at: linkPath, to: session.remote(target))
            }
            return 0
        } catch {
            let kind = symbolic ? "symbolic link" : "hard link"
            session.report("ln", "failed to create \(kind) '\(link)'", error)
            return 1
        }
    }
}
