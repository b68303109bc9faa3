import AgentProto
import ArgumentParser
import SystemPackage
import WorkspaceFS

/// `df [-h] [--json] [PATH...]`.
struct FSDiskFreeCommand: FSSubcommand {
    static let configuration = CommandConfiguration(commandName: "df", abstract: "Show file system space.")

    @Flag(name: .customShort("h"), help: "Sizes as 1.5K, 23M, 4.0G.") var human = false
    @Flag(help: "One JSON object per file system.") var json = false
    @Argument(help: "Paths on the file systems (default: the working directory).") var paths: [String] = []

    func run(in session: FSSession) async -> Int32 {
        var status: Int32 = 0
        var rows: [[String]] = [[human ? "Size" : "1K-blocks", "Used", "Available", "Use%", "Mounted on"]]
        for path in paths.isEmpty ? ["."] : paths {
            do {
                let info = try await session.fileSystem.fileSystemInfo(at: session.remote(path))
                if json {
                    session.printJSON(
                        .object([
                            JSONMember("path", .string(path)),
                            JSONMember("total_bytes", .number(String(info.totalBytes))),
                            JSONMember("used_bytes", .number(String(info.usedBytes))),
                            JSONMember("available_bytes", .number(String(info.availableBytes))),
                            JSONMember("total_files", .number(String(info.totalFiles))),
                            JSONMember("free_files", .number(String(info.freeFiles))),
                            JSONMember("max_name_length", .number(String(info.maximumNameLength))),
                        ]))
                    continue
                }
                let usable = info.usedBytes + info.availableBytes
                let percent = usable == 0 ? 0 : (info.usedBytes * 100 + usable - 1) / usable
                let format: (UInt64) -> String = { human ? FSFormat.humanSize(Int64($0)) : String(($0 + 1023) / 1024) }
                rows.append([
                    format(info.totalBytes), format(info.usedBytes), format(info.availableBytes), "\(percent)%", path,
                ])
            } catch {
                session.report("df", path, error)
                status = 1
            }
        }
        if !json && rows.count > 1 {
            let widths = (0..<5).map { column in rows.map { $0[column].count }.max() ?? 0 }
            for row in rows {
                session.print(
                    (0..<4).map { FSFormat.padLeft(row[$0], widths[$0]) }.joined(separator: " ") + " " + row[4])
            }
        }
        return status
    }
}
