import AgentProto
import ArgumentParser
import SystemPackage
import WorkspaceFS

/// `du [-s] [-h] [PATH...]`: disk usage in 1K blocks (allocated blocks, as du counts), per
/// directory, or one total per argument with `-s`.
struct FSDiskUsageCommand: FSSubcommand {
    static let configuration = CommandConfiguration(commandName: "du", abstract: "Show disk usage.")

    @Flag(name: .customShort("s"), help: "One total per argument.") var summarize = false
    @Flag(name: .customShort("h"), help: "Sizes as 1.5K, 23M, 4.0G.") var human = false
    @Flag(help: "One JSON object per line: path and bytes allocated.") var json = false
    @Argument(help: "What to measure (default: the working directory).") var paths: [String] = []

    func run(in session: FSSession) async -> Int32 {
        var status: Int32 = 0
        for path in paths.isEmpty ? ["."] : paths {
            let remote = session.remote(path)
            do {
                let root = try await session.fileSystem.info(forFileAt: remote, infoAboutSymbolicLink: true)
                var totals: [String: UInt64] = ["": root.blocks]
                var directories: [String] = [""]
                if root.isDirectory {
                    let entries = try await session.fileSystem.walk(at: remote) {
                        failed, error throws(WorkspaceFSError) in
                        StandardIO.writeStandardError("du: cannot read directory '\(failed)': \(error.reason)")
                    }
                    for entry in entries {
                        guard let info = entry.info else { continue }
                        if info.isDirectory { directories.append(entry.relativePath) }
                        // The entry counts in every directory above it, and in its own when it is one.
                        var keys = info.isDirectory ? [entry.relativePath] : []
                        var parent = RemotePath.directoryName(entry.relativePath)
                        while parent != "." {
                            keys.append(parent)
                            parent = RemotePath.directoryName(parent)
                        }
                        keys.append("")
                        for key in keys { totals[key, default: 0] += info.blocks }
                    }
                }
                let lines = summarize ? [""] : directories.reversed()
                for directory in lines {
                    let blocks = totals[directory, default: 0]
                    let size = human ? FSFormat.humanSize(Int64(blocks) * 512) : String((blocks + 1) / 2)
                    let shown = directory.isEmpty ? path : RemotePath.join(path, directory)
                    if json {
                        session.printJSON(
                            .object([
                                JSONMember("path", .string(shown)), JSONMember("bytes", .number(String(blocks * 512))),
                            ]))
                    } else {
                        session.print("\(size)\t\(shown)")
                    }
                }
            } catch {
                session.report("du", "cannot access '\(path)'", error)
                status = 1
            }
        }
        return status
    }
}
