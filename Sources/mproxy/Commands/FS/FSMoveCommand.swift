import ArgumentParser
import SystemPackage
import WorkspaceFS

/// `mv SOURCE... DESTINATION`: rename(2) on the remote side; into DESTINATION when it is a directory.
struct FSMoveCommand: FSSubcommand {
    static let configuration = CommandConfiguration(commandName: "mv", abstract: "Move or rename files.")

    @Argument(help: "Sources, then the destination.") var paths: [String]

    func validate() throws {
        guard paths.count >= 2 else {
            throw ValidationError("missing destination file operand after '\(paths.first ?? "")'")
        }
    }

    func run(in session: FSSession) async -> Int32 {
        let destination = session.remote(paths[paths.count - 1])
        let isDirectory = (try? await session.fileSystem.info(forFileAt: destination))?.isDirectory ?? false
        if paths.count > 2, !isDirectory {
            session.report("mv", "target '\(paths[paths.count - 1])' is not a directory")
            return 1
        }
        var status: Int32 = 0
        for source in paths.dropLast() {
            let remote = session.remote(source)
            let target = isDirectory ? RemotePath.join(destination, RemotePath.baseName(remote)) : destination
            do {
                try await session.fileSystem.moveItem(at: remote, to: target)
            } catch {
                var missing = false
                if error.isRemote(.noSuchFileOrDirectory) {
                    missing =
                        (try? await session.fileSystem.info(forFileAt: remote, infoAboutSymbolicLink: true)) == nil
                }
                session.report(
                    "mv",
                    missing ? "cannot stat '\(source)'" : "cannot move '\(source)' to '\(paths[paths.count - 1])'",
                    error)
                status = 1
            }
        }
        return status
    }
}
