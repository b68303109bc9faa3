import AgentProto
import RemoteExec

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Plays recorded output with its original timing: stream 1 to standard output, 2 to standard
/// error, extra descriptors described on standard error, and with `showInput` what was sent to the
/// command's standard input on standard output. Bytes are written unchanged.
///
/// Time is kept as a virtual clock over recorded time (minus gaps cut by the idle limit): a record
/// is due when the virtual clock reaches it, and pausing or changing speed re-anchors the clock, so
/// waits never accumulate error.
struct ReplayPlayer {
    var speed: ReplaySpeed
    /// The longest gap played, in nanoseconds; longer gaps are cut to it.
    var idleLimit: Int64?
    var showInput: Bool
    /// Command banners and key feedback on standard error, for a person watching a terminal.
    var annotate: Bool
    var terminal: RawTerminal?

    private var output = ReplayOutput()
    private var anchorVirtual: Int64?
    /// The virtual time of the record played last.
    private var lastVirtual: Int64?
    private var anchorWall: Int64 = 0
    private var idleCut: Int64 = 0
    private var previousTimestamp: Int64?
    private var paused = false
    private var stepping = false
    private var skippingToNextCommand = false
    private var recordsSincePoll = 0
    private var arguments: [UInt32: String] = [:]

    /// What a wait ended with.
    enum WaitOutcome { case play, quit }

    init(speed: ReplaySpeed, idleLimit: Int64?, showInput: Bool, annotate: Bool, terminal: RawTerminal?) {
        self.speed = speed
        self.idleLimit = idleLimit
        self.showInput = showInput
        self.annotate = annotate
        self.terminal = terminal
    }

    /// Plays every record of `source`; returns false when the user quit.
    mutating func play(_ source: inout ReplaySource) throws -> Bool {
        defer { try? output.flush() }
        while let entry = try source.next() {
            guard try play(entry) else { return false }
        }
        try output.flush()
        return true
    }

    /// Plays one record, waiting for its time first when it shows something.
    private mutating func play(_ entry: RecordingEntry) throws -> Bool {
        let record = entry.record
        switch record.type {
        case .commandStart:
            guard let start = record.commandStart else { return true }
            let commandLine = CommandLineText.of(start.exec)
            arguments[start.sequence] = commandLine
            if skippingToNextCommand {
                skippingToNextCommand = false
                anchorVirtual = nil
            }
            guard annotate else { return true }
            guard try waitFor(start.startTime) == .play else { return false }
            try note("[\(start.sequence)] \(commandLine)")
        case .frame:
            guard let recorded = record.frame, let target = destination(of: recorded) else {
                if annotate, let recorded = record.frame, recorded.frame.type == .exit {
                    let error = recorded.frame.error.isEmpty ? "" : ": \(recorded.frame.error)"
                    try note("[\(recorded.sequence)] exit \(recorded.frame.code)\(error)")
                }
                return true
            }
            guard try waitFor(recorded.timestamp) == .play else { return false }
            if target.descriptor == STDERR_FILENO, let label = target.label {
                var bytes = Array("[\(label)] ".utf8) + recorded.frame.data
                if bytes.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
                try output.write(bytes, to: STDERR_FILENO)
            } else {
                try output.write(recorded.frame.data, to: target.descriptor)
            }
        default:
            break
        }
        return true
    }

    /// Where a frame's bytes go, or `nil` when it shows nothing.
    private func destination(of recorded: RecordedFrame) -> (descriptor: Int32, label: String?)? {
        let frame = recorded.frame
        guard frame.type == .data, !frame.data.isEmpty else { return nil }
        switch (recorded.direction, frame.stream) {
        case (.receive, 1): return (STDOUT_FILENO, nil)
        case (.receive, 2): return (STDERR_FILENO, nil)
        case (.receive, let stream) where stream >= 3: return (STDERR_FILENO, "fd \(stream)")
        case (.send, 0) where showInput: return (STDOUT_FILENO, nil)
        case (.send, let stream) where showInput && stream >= 3: return (STDERR_FILENO, "input fd \(stream)")
        default: return nil
        }
    }

    /// Waits until the record at `timestamp` is due, handling keys meanwhile.
    private mutating func waitFor(_ timestamp: Int64) throws -> WaitOutcome {
        let virtual = virtualTime(of: timestamp)
        defer { lastVirtual = virtual }
        if stepping {
            // `.` while paused: this record plays now, and the clock stays paused at it.
            stepping = false
            anchorVirtual = virtual
            return .play
        }
        if skippingToNextCommand || (speed == .maximum && !paused) {
            return try pollKeysNow()
        }
        if anchorVirtual == nil {
            anchorVirtual = virtual
            anchorWall = Self.monotonicNow()
            if !paused { return try pollKeysNow() }
        }
        try output.flush()
        while true {
            var timeout: Int32 = -1
            if !paused {
                guard case .factor(let factor) = speed, let anchor = anchorVirtual else { return .play }
                let due = anchorWall + Int64(Double(virtual - anchor) / factor)
                let remaining = due - Self.monotonicNow()
                if remaining <= 0 { return .play }
                timeout = Int32(clamping: (remaining + 999_999) / 1_000_000)
            }
            guard let terminal else {
                _ = poll(nil, 0, timeout)
                continue
            }
            guard let key = terminal.readKey(timeoutMilliseconds: timeout) else { continue }
            if let outcome = try handle(key) {
                if outcome == .play, stepping {
                    stepping = false
                    anchorVirtual = virtual
                }
                return outcome
            }
        }
    }

    /// Handles one key; `nil` means keep waiting.
    private mutating func handle(_ key: UInt8) throws -> WaitOutcome? {
        switch key {
        case UInt8(ascii: "q"), UInt8(ascii: "Q"), 0x03, 0x04:
            return .quit
        case UInt8(ascii: " "):
            if paused {
                paused = false
                anchorWall = Self.monotonicNow()
                try note("playing at \(speed.label)")
            } else {
                anchorVirtual = currentVirtualTime()
                anchorWall = Self.monotonicNow()
                paused = true
                try note("paused (space: play, .: next frame, q: quit)")
            }
            return nil
        case UInt8(ascii: "."):
            guard paused else { return nil }
            stepping = true
            return .play
        case UInt8(ascii: "+"), UInt8(ascii: "="), UInt8(ascii: "-"), UInt8(ascii: "_"):
            anchorVirtual = currentVirtualTime()
            anchorWall = Self.monotonicNow()
            speed = key == UInt8(ascii: "+") || key == UInt8(ascii: "=") ? speed.faster : speed.slower
            try note("speed \(speed.label)")
            return nil
        case UInt8(ascii: "]"):
            skippingToNextCommand = true
            try note("skipping to the next command")
            return .play
        default:
            return nil
        }
    }

    /// When nothing waits (`max` speed, skipping), keys are still read every few hundred records.
    private mutating func pollKeysNow() throws -> WaitOutcome {
        guard let terminal else { return .play }
        recordsSincePoll += 1
        guard recordsSincePoll >= 256 else { return .play }
        recordsSincePoll = 0
        while let key = terminal.readKey(timeoutMilliseconds: 0) {
            if try handle(key) == .quit { return .quit }
        }
        return .play
    }

    /// Recorded time with idle gaps longer than the limit cut down to it.
    private mutating func virtualTime(of timestamp: Int64) -> Int64 {
        if let previous = previousTimestamp, let idleLimit, timestamp - previous > idleLimit {
            idleCut += timestamp - previous - idleLimit
        }
        if previousTimestamp == nil || timestamp > previousTimestamp! { previousTimestamp = timestamp }
        return timestamp - idleCut
    }

    /// Where the virtual clock is now.
    private func currentVirtualTime() -> Int64 {
        guard let anchorVirtual else { return lastVirtual ?? 0 }
        guard !paused, case .factor(let factor) = speed else { return lastVirtual ?? anchorVirtual }
        return anchorVirtual + Int64(Double(Self.monotonicNow() - anchorWall) * factor)
    }

    /// A line on standard error for the person watching.
    private mutating func note(_ text: String) throws {
        guard annotate else { return }
        try output.write("mproxy replay: \(text)\n", to: STDERR_FILENO)
        try output.flush()
    }

    static func monotonicNow() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}
