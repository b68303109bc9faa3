// Transfer progress on a terminal's stderr: the current file's bytes, rate and ETA, and the totals,
// redrawn at most ten times a second on one line.

import Synchronization
import WorkspaceFS

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Draws transfer progress; fed from any task through ``record(_:)``.
final class FSProgressMeter: Sendable {
    private struct State: Sendable {
        var files: [String: (size: Int64, done: Int64)] = [:]
        var current = ""
        var totalSize: Int64 = 0
        var totalDone: Int64 = 0
        var resumed: Int64 = 0
        var finishedFiles = 0
        var startedFiles = 0
        var start = FSProgressMeter.now()
        var lastDraw = 0.0
    }

    private let state = Mutex(State())

    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// Books one event and redraws when it is time.
    func record(_ event: TransferEvent) {
        let line = state.withLock { state -> String? in
            switch event {
            case .started(let path, let size, let done):
                state.files[path] = (size, done)
                state.current = path
                state.totalSize += size
                state.totalDone += done
                state.resumed += done
                state.startedFiles += 1
            case .advanced(let path, let bytes):
                state.files[path]?.done += bytes
                state.current = path
                state.totalDone += bytes
            case .finished(let path):
                state.finishedFiles += 1
                state.files[path] = nil
            }
            let now = Self.now()
            guard now - state.lastDraw >= 0.1 else { return nil }
            state.lastDraw = now
            return Self.render(state, now: now)
        }
        if let line { draw(line) }
    }

    private static func render(_ state: State, now: Double) -> String {
        let elapsed = max(now - state.start, 0.001)
        let rate = Double(state.totalDone - state.resumed) / elapsed
        let file = state.files[state.current]
        var text = RemotePath.baseName(state.current)
        if text.count > 30 { text = String(text.prefix(29)) + "…" }
        text = FSFormat.padRight(text, 30)
        if let file { text += " \(FSFormat.humanSize(file.done))/\(FSFormat.humanSize(file.size))" }
        text += "  \(FSFormat.humanSize(Int64(rate)))B/s"
        let remaining = Double(state.totalSize - state.totalDone)
        if rate > 0, remaining > 0 { text += "  ETA \(duration(remaining / rate))" }
        text += "  total \(FSFormat.humanSize(state.totalDone))/\(FSFormat.humanSize(state.totalSize))"
        text += "  \(state.finishedFiles)/\(state.startedFiles) files"
        return text
    }

    private static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.up))
        return total >= 3600
            ? "\(total / 3600):\(two(total / 60 % 60)):\(two(total % 60))" : "\(total / 60):\(two(total % 60))"
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    private func draw(_ line: String) {
        let bytes = Array(("\r\u{1B}[K" + line).utf8)
        bytes.withUnsafeBytes { _ = try? StandardIO.write($0, to: STDERR_FILENO) }
    }

    /// Erases the progress line (before an error message).
    func clearLine() { draw("") }

    /// Draws the final totals and ends the line.
    func finish() {
        let line = state.withLock { Self.render($0, now: Self.now()) }
        draw(line + "\n")
    }
}
