import ArgumentParser
import SystemPackage
import WorkspaceFS

/// `stat [-L] [--json] PATH...`.
struct FSStatCommand: FSSubcommand {
    static let configuration = CommandConfiguration(commandName: "stat", abstract: "Show a file's status.")

    @Flag(name: .customShort("L"), help: "Follow symbolic links.") var dereference = false
    @Flag(help: "One JSON object per file.") var json = false
    @Argument(help: "The files.") var paths: [String]

    func run(in session: FSSession) async -> Int32 {
        var status: Int32 = 0
        for path in paths {
            do {
                let remote = session.remote(path)
                let info = try await session.fileSystem.info(forFileAt: remote, infoAboutSymbolicLink: !dereference)
                let target =
                    info.isSymbolicLink ? try await session.fileSystem.destinationOfSymbolicLink(at: remote) : nil
                if json {
                    session.printJSON(FSFormat.json(info, path: path, target: target))
                    continue
                }
                let name = target.map { "'\(path)' -> '\($0)'" } ?? path
                let kind =
                    switch info.type {
                    case .regular: info.size == 0 ? "regular empty file" : "regular file"
                    case .symbolicLink: "symbolic link"
                    default: info.type.rawValue
                    }
                let permissions = String(info.permissions, radix: 8)
                await session.loadAccounts()
                session.print("  File: \(name)")
                session.print(
                    "  Size: \(FSFormat.padRight(String(info.size), 15))Blocks: \(FSFormat.padRight(String(info.blocks), 10)) \(kind)"
                )
                session.print("Inode: \(FSFormat.padRight(String(info.inode), 15))Links: \(info.linkCount)")
                session.print(
                    "Access: (\(String(repeating: "0", count: max(0, 4 - permissions.count)))\(permissions)/\(info.modeDescription))"
                        + "  Uid: (\(FSFormat.padLeft(String(info.uid), 5))/\(FSFormat.padLeft(session.ownerName(info.uid), 8)))"
                        + "   Gid: (\(FSFormat.padLeft(String(info.gid), 5))/\(FSFormat.padLeft(session.groupName(info.gid), 8)))"
                )
                session.print("Access: \(FSFormat.fullDate(info.accessTime))")
                session.print("Modify: \(FSFormat.fullDate(info.modificationTime))")
                session.print("Change: \(FSFormat.fullDate(info.changeTime))")
            } catch {
                session.report("stat", "cannot statx '\(path)'", error)
                status = 1
            }
        }
        return status
    }
}
