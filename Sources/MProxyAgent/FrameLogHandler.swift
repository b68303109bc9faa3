// The agent's swift-log backend: before the mux exists, lines on stderr (the client shows them as
// bootstrap diagnostics); after, Log frames with slog level numbers (agentproto `LogEntry`).

import AgentProto
import Glibc
import Logging
import Synchronization

/// Where agent log records go; set once the mux is running.
final class LogDestination: Sendable {
    /// The process-wide destination the handlers write to.
    static let shared = LogDestination()

    private let mux = Mutex<Mux?>(nil)

    /// From now on, records become Log frames on `mux`.
    func useMux(_ mux: Mux) { self.mux.withLock { $0 = mux } }

    /// Sends a record as a Log frame, or writes it to stderr when there is no mux (or it failed).
    func emit(_ record: LogRecord) {
        if let mux = mux.withLock({ $0 }) {
            do {
                try mux.sendWithoutWaiting(.log(record))
                return
            } catch {
                // The connection is gone; stderr is the last place anyone may read it.
            }
        }
        var line = "mproxy-agent: " + record.message
        for attribute in record.attributes { line += " " + attribute }
        line += "\n"
        var bytes = Array(line.utf8)
        _ = write(2, &bytes, bytes.count)
    }
}

/// A `LogHandler` that turns records into ``LogRecord``s for ``LogDestination``.
struct FrameLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level

    init(level: Logger.Level) {
        logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let attributes = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        LogDestination.shared.emit(
            LogRecord(level: Self.slogLevel(event.level), message: "\(event.message)", attributes: attributes))
    }

    /// slog's numbers: TRACE −8, DEBUG −4, INFO 0, WARN 4, ERROR 8.
    static func slogLevel(_ level: Logger.Level) -> Int {
        switch level {
        case .trace: -8
        case .debug: -4
        case .info, .notice: 0
        case .warning: 4
        case .error, .critical: 8
        }
    }
}
