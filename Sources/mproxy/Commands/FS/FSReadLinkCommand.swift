import ArgumentParser
import SystemPackage
import WorkspaceFS

/// `readlink PATH...`: prints each link's target as stored; silent failure, exit 1, as coreutils.
struct FSReadLinkCommand: FSSubcommand {
    static let configuration = CommandConfiguration(commandName: "readlink", abstract: "Print symbolic link targets.")

    @Flag(name: .customShort("v"), help: "Say why a path cannot be read.") var verbose = false
    @Argument(help: "The links.") var paths: [String]

    func run(in session: FSSession) async -> Int32 {
        var status: Int32 = 0
        for path in paths {
            do {
                session.print(try await session.fileSystem.destinationOfSymbolicLink(at: session.remote(path)))
            } catch {
                if verbose { session.report("readlink", path, error) }
                status = 1
            }
        }
        return status
    }
}
