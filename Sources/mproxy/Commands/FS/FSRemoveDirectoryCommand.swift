import ArgumentParser
import SystemPackage
import WorkspaceFS

/// `rmdir PATH...`: removes empty directories only.
struct FSRemoveDirectoryCommand: FSSubcommand {
    static let configuration = CommandConfiguration(commandName: "rmdir", abstract: "Remove empty directories.")

    @Argument(help: "The directories.") var paths: [String]

    func run(in session: FSSession) async -> Int32 {
        var status: Int32 = 0
        for path in paths {
            let remote = session.remote(path)
            do {
                let info = try await session.fileSystem.info(forFileAt: remote, infoAboutSymbolicLink: true)
                guard info.isDirectory else {
                    session.report("rmdir", "failed to remove '\(path)': Not a directory")
                    status = 1
                    continue
                }
                try await session.fileSystem.removeSingleItem(at: remote)
            } catch {
                session.report("rmdir", "failed to remove '\(path)'", error)
                status = 1
            }
        }
        return status
    }
}
