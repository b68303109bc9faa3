import AgentProto
import RemoteExec

/// `--list`: the session header, then one row per command: sequence number, start, duration, exit
/// code or signal, bytes in and out, working directory and the command line quoted for a shell.
enum ReplayListing {
    static func text(of index: RecordingIndex, selection: ReplaySelection) -> String {
        var lines: [String] = []
        let state =
            switch index.tail {
            case .footer: "complete"
            default: index.tail.problem ?? ""
            }
        lines.append("recording: \(index.path): \(index.recordCount) records, \(index.endOffset) bytes, \(state)")
        if let header = index.header {
            var backend = header.backendType.isEmpty ? "unknown backend" : "backend \(header.backendType)"
            if !header.backendAddress.isEmpty { backend += " \(header.backendAddress)" }
            if !header.sshAddress.isEmpty { backend += " ssh \(header.sshUser)@\(header.sshAddress)" }
            lines.append(
                "session:   recorded by \(header.version.isEmpty ? "an unknown version" : header.version), "
                    + "user \(header.localUser) (pid \(header.localPID)), \(backend), agent \(header.agentPath)")
        }
        if let start = index.startTime {
            var when = "started:   \(ReplayTimeFormat.utc(start))"
            if let end = index.footer?.endTime ?? index.lastTimestamp {
                when += ", \(index.footer == nil ? "last record" : "ended") \(ReplayTimeFormat.utc(end))"
                when += " (\(ReplayTimeFormat.duration(end - start)))"
            }
            lines.append(when)
        }
        let commands = index.commands.filter { selection.sequences?.contains($0.sequence) ?? true }
        lines.append("commands:  \(commands.count)")
        guard !commands.isEmpty else { return lines.joined(separator: "\n") + "\n" }
        let rows = commands.map { command in
            [
                String(command.sequence),
                ReplayTimeFormat.utc(command.start.startTime),
                ReplayTimeFormat.duration(command.duration),
                exitDescription(command),
                String(command.bytesSent),
                String(command.bytesReceived),
                command.start.exec.workingDirectory.isEmpty ? "-" : command.start.exec.workingDirectory,
                commandLine(command),
            ]
        }
        let titles = ["SEQ", "START", "DURATION", "EXIT", "IN", "OUT", "CWD", "COMMAND"]
        let widths = titles.indices.map { column in
            ([titles[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        for row in [titles] + rows {
            let cells = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }
            lines.append(cells.joined(separator: "  "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func commandLine(_ command: RecordedCommand) -> String {
        let exec = command.start.exec
        var text = CommandLineText.of(exec)
        if !command.exitError.isEmpty { text += "  # \(command.exitError)" }
        return text
    }

    /// `0`, `3`, `143 (SIGTERM)`, `-1 (no exit)`, `running`.
    static func exitDescription(_ command: RecordedCommand) -> String {
        guard let end = command.end else { return "running" }
        if end.exitCode == -1 { return "-1 (no exit)" }
        if end.exitCode > 128, let name = signalNames[end.exitCode - 128] { return "\(end.exitCode) (SIG\(name))" }
        return String(end.exitCode)
    }

    /// Linux signal numbers, as the agent reports them (exit code 128 + signal).
    static let signalNames: [Int: String] = [
        1: "HUP", 2: "INT", 3: "QUIT", 4: "ILL", 5: "TRAP", 6: "ABRT", 7: "BUS", 8: "FPE", 9: "KILL", 10: "USR1",
        11: "SEGV", 12: "USR2", 13: "PIPE", 14: "ALRM", 15: "TERM", 24: "XCPU", 25: "XFSZ", 31: "SYS",
    ]
}
