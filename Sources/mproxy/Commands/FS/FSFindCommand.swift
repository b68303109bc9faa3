import ArgumentParser
import Synchronization
import SystemPackage
import WorkspaceFS

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// `find [PATH] [-name GLOB] [-type f|d|l] [--json]`.
struct FSFindCommand: FSSubcommand {
    static let configuration = CommandConfiguration(commandName: "find", abstract: "Search for files in a tree.")

    @Option(name: .customLong("name", withSingleDash: true), help: "Base names matching the glob.") var name: String?
    @Option(name: .customLong("type", withSingleDash: true), help: "f (file), d (directory) or l (symlink).") var type:
        String?
    @Flag(help: "One JSON object per match.") var json = false
    @Argument(help: "Where to start (default: '.').") var path: String = "."

    func validate() throws {
        if let type, !["f", "d", "l"].contains(type) { throw ValidationError("Unknown argument to -type: \(type)") }
    }

    private func matches(_ info: RemoteFileInfo, name baseName: String) -> Bool {
        if let name, fnmatch(name, baseName, 0) != 0 { return false }
        switch type {
        case "f": return info.isRegularFile
        case "d": return info.isDirectory
        case "l": return info.isSymbolicLink
        default: return true
        }
    }

    func run(in session: FSSession) async -> Int32 {
        let remote = session.remote(path)
        let status = StatusBox()
        do {
            let root = try await session.fileSystem.info(forFileAt: remote, infoAboutSymbolicLink: true)
            var found: [(String, RemoteFileInfo)] = [(path, root)]
            if root.isDirectory {
                let entries = try await session.fileSystem.walk(at: remote) { failed, error throws(WorkspaceFSError) in
                    StandardIO.writeStandardError("find: '\(failed)': \(error.reason)")
                    status.fail()
                }
                found += entries.compactMap { entry in
                    entry.info.map { (RemotePath.join(path, entry.relativePath), $0) }
                }
            }
            for (foundPath, info) in found where matches(info, name: RemotePath.baseName(foundPath)) {
                if json {
                    session.printJSON(FSFormat.json(info, path: foundPath))
                } else {
                    session.print(session.terminalSafeName(foundPath))
                }
            }
        } catch {
            session.report("find", "'\(path)'", error)
            return 1
        }
        return status.value
    }
}
