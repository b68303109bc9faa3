import AgentProto
import ArgumentParser

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// `mproxy replay FILE`: plays a recording back with its timing, or lists, exports or verifies it.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Play a recorded session back, or list, export or verify it.",
        discussion: """
            Plays what the recorded commands printed with the original timing: stream 1 to standard
            output and 2 to standard error, byte for byte; extra descriptors are shown on standard
            error as "[fd N] ...". Files written by the Go MachineProxy recorder play the same way.

            Times for --from/--to: an offset from the session's start (90, 1m30s, 1h2m3.5s, 500ms,
            1:30, 01:02:03) or an absolute time (2025-05-20T12:00:00Z, an ISO 8601 time without a
            zone is UTC, or @UNIX-SECONDS). Seeking uses an index built in one pass over the file.

            Keys while playing on a terminal: space pause/resume, . one frame while paused,
            + and - speed, ] skip to the next command, q (or Ctrl-C) quit.

            Exit status: 0 when the file was played or checked (a file without a footer plays to
            its end and is reported as cut short); 1 when it is corrupt or fails --verify, with the
            byte offset of the first problem.
            """
    )

    @Argument(help: "The recording file.")
    var file: String

    @Option(help: ArgumentHelp("Playback speed from 0.1 to 100, or max for no waiting.", valueName: "X|max"))
    var speed: ReplaySpeed = .factor(1)

    @Option(help: ArgumentHelp("Cap every pause between outputs at this many seconds.", valueName: "SECONDS"))
    var idleLimit: Double?

    @Option(help: ArgumentHelp("Start at this time (offset or absolute).", valueName: "T"))
    var from: ReplayTime?

    @Option(help: ArgumentHelp("Stop after this time (offset or absolute).", valueName: "T"))
    var to: ReplayTime?

    @Option(help: ArgumentHelp("Only the command with this sequence number.", valueName: "N"))
    var command: UInt32?

    @Option(
        help: ArgumentHelp("Only commands whose command line matches this regular expression.", valueName: "PATTERN"))
    var grep: String?

    @Flag(help: "Also show what was sent to the commands' standard input (on standard output).")
    var stdin = false

    @Flag(help: "List the session and its commands instead of playing.")
    var list = false

    @Flag(help: "Print every record as one JSON line instead of playing.")
    var json = false

    @Flag(help: "Check the whole file and report the first problem with its byte offset.")
    var verify = false

    func validate() throws {
        if [list, json, verify].filter({ $0 }).count > 1 {
            throw ValidationError("--list, --json and --verify each replace playback; give one of them")
        }
        if let idleLimit, !(idleLimit > 0) {
            throw ValidationError("--idle-limit must be a positive number of seconds")
        }
    }

    func run() throws {
        do {
            if verify {
                let summary: String
                do {
                    summary = try ReplayVerification.verify(path: file)
                } catch {
                    StandardIO.writeStandardError("mproxy replay: \(file) fails verification: \(error)")
                    throw ExitCode(1)
                }
                try StandardIO.writeStandardOutput(summary + "\n")
                return
            }
            let needsIndex = list || from != nil || to != nil || command != nil || grep != nil
            var selection = ReplaySelection()
            if needsIndex {
                let index = try RecordingIndex.build(path: file)
                selection = try ReplaySelection.resolve(index: index, command: command, grep: grep, from: from, to: to)
                if list {
                    try StandardIO.writeStandardOutput(ReplayListing.text(of: index, selection: selection))
                    return
                }
                if selection.sequences?.isEmpty == true {
                    StandardIO.writeStandardError("mproxy replay: no command matches")
                    return
                }
            }
            var source = try ReplaySource(path: file, selection: selection)
            if json {
                try export(&source)
            } else {
                try play(&source)
            }
            if let note = source.endNote {
                StandardIO.writeStandardError("mproxy replay: \(note)")
            }
        } catch let error as RecordingError where error.code == .truncated {
            StandardIO.writeStandardError(
                "mproxy replay: the recording was cut short at byte offset \(error.byteOffset ?? 0): it ends inside a record"
            )
        } catch let error as RecordingError {
            StandardIO.writeStandardError("mproxy replay: \(error)")
            throw ExitCode(1)
        }
    }

    private func export(_ source: inout ReplaySource) throws {
        var output = ReplayOutput()
        while let entry = try source.next() {
            try output.write(ReplayJSONExport.line(for: entry.record) + "\n", to: STDOUT_FILENO)
        }
        try output.flush()
    }

    private func play(_ source: inout ReplaySource) throws {
        let terminal = RawTerminal()
        defer { terminal?.restore() }
        var player = ReplayPlayer(
            speed: speed,
            idleLimit: idleLimit.map { Int64($0 * 1e9) },
            showInput: stdin,
            annotate: isatty(STDERR_FILENO) == 1,
            terminal: terminal)
        _ = try player.play(&source)
    }
}
