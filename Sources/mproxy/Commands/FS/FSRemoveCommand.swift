import ArgumentParser
import SystemPackage
import WorkspaceFS

/// `rm [-r] [-f] PATH...`.
struct FSRemoveCommand: FSSubcommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove files or directories.")

    @Flag(name: [.customShort("r"), .customShort("R")], help: "Remove directories and their contents.")
    var recursive = false
    @Flag(name: .customShort("f"), help: "Ignore missing files; never fail for them.") var force = false
    @Argument(help: "The files.") var paths: [String] = []

    func run(in session: FSSession) async -> Int32 {
        if paths.isEmpty && !force {
            session.report("rm", "missing operand")
            return 1
        }
        var status: Int32 = 0
        for path in paths {
            let remote = session.remote(path)
            do {
                let info = try await session.fileSystem.info(forFileAt: remote, infoAboutSymbolicLink: true)
                if info.isDirectory && !recursive {
                    session.report("rm", "cannot remove '\(path)': Is a directory")
                    status = 1
                    continue
                }
                try await session.fileSystem.removeItem(at: remote, recursively: recursive)
            } catch {
                if force && error.isRemote(.noSuchFileOrDirectory) { continue }
                session.report("rm", "cannot remove '\(path)'", error)
                status = 1
            }
        }
        return status
    }
}
