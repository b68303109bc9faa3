import ArgumentParser
import SystemPackage
import WorkspaceFS

/// `tree [-a] [PATH]`: the tree drawn with lines, then "N directories, M files".
struct FSTreeCommand: FSSubcommand {
    static let configuration = CommandConfiguration(commandName: "tree", abstract: "Draw a directory tree.")

    @Flag(name: .customShort("a"), help: "Include names starting with '.'.") var all = false
    @Flag(help: "One JSON object per entry instead of the drawing.") var json = false
    @Argument(help: "The top (default: '.').") var path: String = "."

    func run(in session: FSSession) async -> Int32 {
        let remote = session.remote(path)
        let entries: [RemoteWalkEntry]
        do {
            entries = try await session.fileSystem.walk(at: remote)
        } catch {
            session.report("tree", "'\(path)'", error)
            return 2
        }
        let visible = entries.filter { all || !$0.relativePath.split(separator: "/").contains { $0.hasPrefix(".") } }
        if json {
            for entry in visible {
                guard let info = entry.info else { continue }
                session.printJSON(FSFormat.json(info, path: RemotePath.join(path, entry.relativePath)))
            }
            return 0
        }
        var children: [String: [RemoteWalkEntry]] = [:]
        for entry in visible { children[RemotePath.directoryName(entry.relativePath), default: []].append(entry) }
        session.print(session.terminalSafeName(path))
        var directories = 0
        var files = 0
        func draw(_ parent: String, prefix: String) async {
            let kids = children[parent] ?? []
            for (index, entry) in kids.enumerated() {
                let isLast = index == kids.count - 1
                var line = prefix + (isLast ? "└── " : "├── ") + session.terminalSafeName(entry.info?.name ?? "")
                if entry.info?.isSymbolicLink == true,
                    let target = try? await session.fileSystem.destinationOfSymbolicLink(at: entry.path)
                {
                    line += " -> " + session.terminalSafeName(target)
                }
                session.print(line)
                if entry.info?.isDirectory == true {
                    directories += 1
                    await draw(entry.relativePath, prefix: prefix + (isLast ? "    " : "│   "))
                } else {
                    files += 1
                }
            }
        }
        await draw(".", prefix: "")
        session.print(
            "\n\(directories) director\(directories == 1 ? "y" : "ies"), \(files) file\(files == 1 ? "" : "s")")
        return 0
    }
}
