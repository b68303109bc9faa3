import Synchronization

/// Writes a recording file the Go recorder and ``RecordingReader`` both read: a SessionHeader, then
/// per command a CommandStart, every frame with its direction and Unix-nanosecond timestamp, and a
/// CommandEnd; a SessionFooter when it is closed.
///
/// The file is created with mode 0600 (it holds environments and output). Frames are queued for a
/// writer thread that encodes and writes them, so recording costs the mux little; the queue is
/// bounded (callers wait when it is full) and drained at every command's start and end, so a crash
/// loses at most the tail of the commands still running, and a reader can follow the file while it
/// grows.
/// A write error is thrown to the caller and kept: every later call throws it too, so no frame is
/// ever skipped silently.
///
/// ```swift
/// let recorder = try Recorder(path: "session.cbor", header: .local(version: "0.1.0", backendType: "ssh"))
/// let command = try recorder.startCommand(exec)      // give `command` to the mux as its observer
/// try command.finish(exitCode: status)
/// try recorder.close()
/// ```
public final class Recorder: Sendable {
    /// The file being written.
    public let path: String
    private let state: Mutex<RecorderState>
    private let clock: @Sendable () -> Int64

    /// Creates (or truncates) `path` with mode 0600 and writes the session header to it at once.
    ///
    /// - Parameters:
    ///   - path: where to write.
    ///   - header: the session's metadata; a zero `startTime` is set to the clock's current time.
    ///   - bufferCapacity: the most encoded bytes queued for the writer thread before a caller
    ///     waits (1 MiB by default).
    ///   - clock: Unix nanoseconds for timestamps; tests pass a fixed one.
    /// - Throws: ``RecordingError`` with `openFailed` or `writeFailed`.
    public init(
        path: String,
        header: SessionHeader,
        bufferCapacity: Int = 1 << 20,
        clock: @escaping @Sendable () -> Int64 = UnixTime.nanoseconds
    ) throws(RecordingError) {
        let file = try RecordingFile.create(path)
        let writer: RecordingWriter
        do {
            writer = try RecordingWriter(file: file, capacity: bufferCapacity)
        } catch {
            try? file.close()
            throw error
        }
        var state = RecorderState(writer: writer)
        var header = header
        if header.startTime == 0 { header.startTime = clock() }
        do throws(RecordingError) {
            try state.append(.header(header))
            try state.flush()
        } catch {
            try? writer.close()
            throw error
        }
        self.path = path
        self.clock = clock
        self.state = Mutex(state)
    }

    deinit {
        // Dropped without close(): keep what was recorded, but write no footer, as after a crash.
        state.withLock { state in
            guard let writer = state.writer else { return }
            try? writer.close()
            state.writer = nil
        }
    }

    /// Starts recording a command: writes its CommandStart with the next sequence number.
    ///
    /// - Parameter exec: the command as sent to the agent, environment included.
    /// - Returns: the observer to give the command's mux; call ``CommandRecording/finish(exitCode:)``
    ///   when the command ends.
    public func startCommand(_ exec: ExecRequest) throws(RecordingError) -> CommandRecording {
        let sequence = try state.withLock { (state) throws(RecordingError) -> UInt32 in
            let sequence = state.nextSequence
            try state.append(.commandStart(CommandStart(sequence: sequence, startTime: clock(), exec: exec)))
            // Starting a command waits for the disk, so a broken recording is reported before the
            // command runs rather than at its first frame.
            try state.flush()
            state.nextSequence &+= 1
            state.commandCount &+= 1
            state.openCommands.insert(sequence)
            return sequence
        }
        return CommandRecording(recorder: self, sequence: sequence)
    }

    /// Records one frame of command `sequence`.
    func record(_ frame: Frame, direction: FrameDirection, sequence: UInt32) throws(RecordingError) {
        try state.withLock { (state) throws(RecordingError) in
            // The timestamp is taken under the lock, so the file is in time order.
            let recorded = RecordedFrame(sequence: sequence, timestamp: clock(), direction: direction, frame: frame)
            try state.append(.frame(recorded))
        }
    }

    /// Writes command `sequence`'s CommandEnd and everything buffered.
    func finishCommand(_ sequence: UInt32, exitCode: Int) throws(RecordingError) {
        try state.withLock { (state) throws(RecordingError) in
            _ = try state.usableWriter()
            guard state.openCommands.remove(sequence) != nil else {
                throw RecordingError(
                    .commandFinished, "command \(sequence) was already finished; finish each command once",
                    path: path)
            }
            try state.append(.commandEnd(CommandEnd(sequence: sequence, endTime: clock(), exitCode: exitCode)))
            try state.flush()
        }
    }

    /// Writes everything buffered to the file.
    public func flush() throws(RecordingError) {
        try state.withLock { (state) throws(RecordingError) in try state.flush() }
    }

    /// Ends the recording: commands still running get a CommandEnd with exit code −1 (the Go value
    /// for "ended without an Exit frame"), then the footer is written and the file closed.
    ///
    /// Closing twice does nothing the second time.
    /// - Throws: the recorder's sticky failure (the file is closed all the same), or a write error.
    public func close() throws(RecordingError) {
        try state.withLock { (state) throws(RecordingError) in
            guard let writer = state.writer else { return }
            defer { state.writer = nil }
            do throws(RecordingError) {
                let now = clock()
                for sequence in state.openCommands.sorted() {
                    try state.append(.commandEnd(CommandEnd(sequence: sequence, endTime: now, exitCode: -1)))
                }
                state.openCommands.removeAll()
                try state.append(.footer(SessionFooter(endTime: now, commandCount: state.commandCount)))
                try state.flush()
            } catch {
                try? writer.close()
                throw error
            }
            try writer.close()
        }
    }
}
