import AgentProto
import ArgumentParser
import Foundation
import RemoteExec

/// `mproxy path DESTINATION [DIR...|NAME]`: the executables a host finds on its PATH.
struct PathCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "path",
        abstract: "List the remote executables on PATH (or in the given directories), or tell where a name resolves.",
        discussion: """
            With no arguments, every executable on the agent's PATH, first occurrence of each name,
            in PATH order. Arguments containing '/' are directories to list instead. A single
            argument without '/' is a NAME: prints where it resolves, like which (exit 1 if nowhere).
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Print JSON lines: name, path, mode, size, mtime.")
    var json = false

    @Argument(help: "Where to look.")
    var destination: String

    @Argument(help: "Directories to list, or one NAME to resolve.")
    var targets: [String] = []

    func run() async {
        await ProcessExit.after { try await runCommand() }
    }

    private func runCommand() async throws {
        let lookup = targets.count == 1 && !targets[0].contains("/") ? targets[0] : nil
        let entries: [PathInfoEntry]
        do {
            let host = try await RemoteHost.connect(
                to: try ExecutionDestination(parsing: destination), options: connection.hostOptions(commandCount: 1))
            defer { host.close() }
            entries = try await host.executables(in: lookup == nil ? targets : [])
        } catch {
            throw ExecCommand.fail(error)
        }
        let shown = lookup.map { name in entries.filter { $0.name == name } } ?? entries
        if json {
            for entry in shown {
                let object = JSONValue.object([
                    JSONMember("name", .string(entry.name)), JSONMember("path", .string(entry.path)),
                    JSONMember("mode", .number(String(entry.mode))), JSONMember("size", .number(String(entry.size))),
                    JSONMember("mtime", .number(String(entry.modificationTime))),
                ])
                try StandardIO.writeStandardOutput(JSONWriter.text(of: object) + "\n")
            }
        } else if lookup != nil {
            for entry in shown { try StandardIO.writeStandardOutput(entry.path + "\n") }
        } else {
            let width = shown.map(\.name.count).max() ?? 0
            for entry in shown {
                let mode = String(entry.mode & 0o7777, radix: 8)
                let line =
                    entry.name.padding(toLength: max(width, entry.name.count), withPad: " ", startingAt: 0)
                    + "  " + mode + "  " + String(entry.size).leftPadded(10) + "  " + entry.path
                try StandardIO.writeStandardOutput(line + "\n")
            }
        }
        if let lookup, shown.isEmpty {
            StandardIO.writeStandardError("mproxy: \(lookup) not found on the PATH of \(destination)")
            throw ExitCode(1)
        }
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
