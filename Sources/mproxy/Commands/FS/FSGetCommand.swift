import ArgumentParser
import SystemPackage
import WorkspaceFS

/// `get [-r] [-p] [--resume] REMOTE... [LOCAL]`.
struct FSGetCommand: FSSubcommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Copy remote files here.")

    @OptionGroup var flags: FSTransferFlags
    @Argument(help: "Remote sources, then the local destination (default: the local working directory).")
    var paths: [String]

    func run(in session: FSSession) async -> Int32 {
        let sources = paths.count == 1 ? paths : Array(paths.dropLast())
        let destination = session.local(paths.count == 1 ? "." : paths[paths.count - 1])
        let destinationIsDirectory = (try? LocalFileSystem.status(of: destination))?.isDirectory ?? false
        if sources.count > 1, !destinationIsDirectory {
            session.report("get", "target '\(destination)' is not a directory")
            return 1
        }
        let meter = session.isQuiet || flags.quiet ? nil : FSProgressMeter()
        let transfer = FileTransfer(fileSystem: session.fileSystem, options: flags.options(meter: meter))
        var status: Int32 = 0
        for source in sources {
            let remote = session.remote(source)
            let target =
                destinationIsDirectory ? RemotePath.join(destination, RemotePath.baseName(remote)) : destination
            do {
                let info = try await session.fileSystem.info(forFileAt: remote)
                if info.isDirectory {
                    guard flags.recursive else {
                        session.report("get", "-r not specified; omitting directory '\(source)'")
                        status = 1
                        continue
                    }
                    try await transfer.downloadTree(from: remote, to: target)
                } else {
                    try await transfer.download(from: remote, to: target)
                }
            } catch {
                meter?.clearLine()
                session.report("get", "cannot copy '\(source)'", error)
                status = 1
            }
        }
        meter?.finish()
        return status
    }
}
