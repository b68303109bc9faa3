import AgentProto
import ArgumentParser
import RemoteExec

/// Which records a replay shows: commands chosen by number or argv pattern, and a time window.
struct ReplaySelection {
    /// The chosen commands' sequence numbers, or `nil` for all.
    var sequences: Set<UInt32>?
    /// Records before this Unix-nanosecond time are skipped.
    var from: Int64?
    /// Reading stops at the first record after this Unix-nanosecond time.
    var to: Int64?
    /// Where reading starts in the file.
    var startOffset = 0

    /// Whether the record belongs to the selection (times are checked by the caller).
    func includes(_ record: Record) -> Bool {
        guard let sequences, let sequence = record.commandSequence else { return true }
        return sequences.contains(sequence)
    }

    /// Resolves the options against the file's index: the matching commands and where to start
    /// reading, found without reading the file again.
    static func resolve(
        index: RecordingIndex, command: UInt32?, grep: String?, from: ReplayTime?, to: ReplayTime?
    ) throws -> ReplaySelection {
        var selection = ReplaySelection()
        let origin = index.startTime ?? 0
        selection.from = from?.resolved(origin: origin)
        selection.to = to?.resolved(origin: origin)
        var chosen = index.commands
        if let command {
            chosen = chosen.filter { $0.sequence == command }
            guard !chosen.isEmpty else {
                throw ValidationError(
                    "the recording has no command \(command); `mproxy replay --list \(ShellQuoting.quote(index.path))` lists them"
                )
            }
        }
        if let grep {
            let pattern: Regex<AnyRegexOutput>
            do {
                pattern = try Regex(grep)
            } catch {
                throw ValidationError("--grep: '\(grep)' is not a regular expression: \(error)")
            }
            chosen = chosen.filter { CommandLineText.of($0.start.exec).contains(pattern) }
        }
        if command != nil || grep != nil {
            selection.sequences = Set(chosen.map(\.sequence))
            selection.startOffset = chosen.map(\.startOffset).min() ?? index.endOffset
        }
        if let from = selection.from, let point = index.seekPoint(atOrBefore: from) {
            selection.startOffset = max(selection.startOffset, point.offset)
        }
        return selection
    }
}
