import AgentProto
import ArgumentParser
import SystemPackage
import WorkspaceFS

/// `ls [-l] [-a] [-R] [-h] [--json] [PATH...]`.
struct FSListCommand: FSSubcommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List directory contents.")

    @Flag(name: .customShort("l"), help: "Long listing: mode, links, owner, group, size, time.") var long = false
    @Flag(name: .customShort("a"), help: "Include names starting with '.', and '.' and '..'.") var all = false
    @Flag(name: .customShort("R"), help: "List subdirectories recursively.") var recursive = false
    @Flag(name: .customShort("h"), help: "Sizes as 1.5K, 23M, 4.0G.") var human = false
    @Flag(help: "One JSON object per entry.") var json = false
    @Argument(help: "What to list (default: the working directory).") var paths: [String] = []

    func run(in session: FSSession) async -> Int32 {
        var status: Int32 = 0
        let targets = paths.isEmpty ? ["."] : paths
        var files: [(String, RemoteFileInfo)] = []
        var directories: [String] = []
        for path in targets {
            do {
                let info = try await session.fileSystem.info(
                    forFileAt: session.remote(path), infoAboutSymbolicLink: true)
                var isDirectory = info.isDirectory
                if info.isSymbolicLink, !long,
                    let followed = try? await session.fileSystem.info(forFileAt: session.remote(path))
                {
                    isDirectory = followed.isDirectory
                }
                if isDirectory { directories.append(path) } else { files.append((path, info)) }
            } catch {
                session.report("ls", "cannot access '\(path)'", error)
                status = 2
            }
        }
        if !files.isEmpty {
            await printEntries(files.map { ($0.0, $0.1) }, directory: nil, in: session)
        }
        let showHeaders = targets.count > 1 || recursive
        for (index, path) in directories.enumerated() {
            if !json, showHeaders {
                if index > 0 || !files.isEmpty { session.print("") }
                session.print("\(path):")
            }
            status = max(status, await listDirectory(path, in: session, showHeaders: showHeaders))
        }
        return status
    }

    private func listDirectory(_ path: String, in session: FSSession, showHeaders: Bool) async -> Int32 {
        let remotePath = session.remote(path)
        var entries: [RemoteFileInfo]
        do {
            entries = try await session.fileSystem.contentsOfDirectory(at: remotePath)
        } catch {
            session.report("ls", "cannot open directory '\(path)'", error)
            return 2
        }
        if !all { entries.removeAll { $0.name.hasPrefix(".") } }
        var named = entries.map { (RemotePath.join(path, $0.name), $0) }
        if all {
            var dots: [(String, RemoteFileInfo)] = []
            for dot in [".", ".."] {
                if var info = try? await session.fileSystem.info(forFileAt: RemotePath.join(remotePath, dot)) {
                    info.status.name = dot
                    dots.append((RemotePath.join(path, dot), info))
                }
            }
            named = dots + named
        }
        if long, !json {
            let blocks = named.reduce(UInt64(0)) { $0 + $1.1.blocks } / 2
            session.print("total \(human ? FSFormat.humanSize(Int64(blocks) * 1024) : String(blocks))")
        }
        await printEntries(named, directory: path, in: session)
        var status: Int32 = 0
        if recursive {
            for (childPath, info) in named where info.isDirectory && info.name != "." && info.name != ".." {
                if !json { session.print("\n\(childPath):") }
                status = max(status, await listDirectory(childPath, in: session, showHeaders: true))
            }
        }
        return status
    }

    private func printEntries(_ entries: [(String, RemoteFileInfo)], directory: String?, in session: FSSession) async {
        var targets: [String: String] = [:]
        if long || json {
            for (path, info) in entries where info.isSymbolicLink {
                targets[path] = try? await session.fileSystem.destinationOfSymbolicLink(at: session.remote(path))
            }
        }
        if json {
            for (path, info) in entries { session.printJSON(FSFormat.json(info, path: path, target: targets[path])) }
            return
        }
        let names = entries.map { session.displayName(directory == nil ? $0.0 : $0.1.name) }
        guard long else {
            for name in names { session.print(name) }
            return
        }
        let sizes = entries.map { human ? FSFormat.humanSize($0.1.size) : String($0.1.size) }
        let links = entries.map { String($0.1.linkCount) }
        await session.loadAccounts()
        let owners = entries.map { session.ownerName($0.1.uid) }
        let groups = entries.map { session.groupName($0.1.gid) }
        let widths = [links, owners, groups, sizes].map { $0.map(\.count).max() ?? 0 }
        for (index, (path, info)) in entries.enumerated() {
            var line = info.modeDescription + " " + FSFormat.padLeft(links[index], widths[0]) + " "
            line +=
                FSFormat.padRight(owners[index], widths[1]) + " " + FSFormat.padRight(groups[index], widths[2]) + " "
            line += FSFormat.padLeft(sizes[index], widths[3]) + " " + FSFormat.listingDate(info.modificationTime) + " "
            line += names[index]
            if let target = targets[path] { line += " -> " + session.displayName(target) }
            session.print(line)
        }
    }
}
