/// One command's part of a recording: the mux reports its frames here, and the caller finishes it
/// with the exit code.
///
/// Frames are recorded as the mux reports them, in both directions (agentproto `Dir`: 1 send,
/// 2 receive), each with its Unix-nanosecond timestamp and the command's sequence number.
public struct CommandRecording: FrameObserver {
    /// The recorder writing the file.
    public let recorder: Recorder
    /// The command's sequence number in the file (from 0).
    public let sequence: UInt32

    /// Records one frame.
    ///
    /// - Throws: ``RecordingError`` when the recorder failed or is closed; the mux stops the session
    ///   rather than drop the frame.
    public func observe(_ frame: Frame, direction: FrameDirection) throws {
        try recorder.record(frame, direction: direction, sequence: sequence)
    }

    /// Writes the command's CommandEnd and flushes the file, so a crash after this point loses
    /// nothing of the command.
    ///
    /// - Parameter exitCode: the command's exit code, or −1 when the stream ended without an Exit frame.
    public func finish(exitCode: Int) throws(RecordingError) {
        try recorder.finishCommand(sequence, exitCode: exitCode)
    }
}
