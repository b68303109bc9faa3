import ArgumentParser
import SystemPackage
import WorkspaceFS

/// `put [-r] [-p] [--resume] LOCAL... [REMOTE]`.
struct FSPutCommand: FSSubcommand {
    static let configuration = CommandConfiguration(commandName: "put", abstract: "Copy local files there.")

    @OptionGroup var flags: FSTransferFlags
    @Argument(help: "Local sources, then the remote destination (default: the remote working directory).")
    var paths: [String]

    func run(in session: FSSession) async -> Int32 {
        let sources = paths.count == 1 ? paths : Array(paths.dropLast())
        let destination = session.remote(paths.count == 1 ? "." : paths[paths.count - 1])
        let destinationIsDirectory = (try? await session.fileSystem.info(forFileAt: destination))?.isDirectory ?? false
        if sources.count > 1, !destinationIsDirectory {
            session.report("put", "target '\(destination)' is not a directory")
            return 1
        }
        let meter = session.isQuiet || flags.quiet ? nil : FSProgressMeter()
        let transfer = FileTransfer(fileSystem: session.fileSystem, options: flags.options(meter: meter))
        var status: Int32 = 0
        for source in sources {
            let local = session.local(source)
            let target = destinationIsDirectory ? RemotePath.join(destination, RemotePath.baseName(local)) : destination
            do {
                let isDirectory: Bool
                do throws(Errno) {
                    isDirectory = try LocalFileSystem.status(of: local).isDirectory
                } catch {
                    session.report("put", "cannot stat '\(source)': \(error)")
                    status = 1
                    continue
                }
                if isDirectory {
                    guard flags.recursive else {
                        session.report("put", "-r not specified; omitting directory '\(source)'")
                        status = 1
                        continue
                    }
                    try await transfer.uploadTree(from: local, to: target)
                } else {
                    try await transfer.upload(from: local, to: target)
                }
            } catch {
                meter?.clearLine()
                session.report("put", "cannot copy '\(source)'", error)
                status = 1
            }
        }
        meter?.finish()
        return status
    }
}
