import AgentProto

/// `--verify`: reads the whole file and checks it with ``RecordingVerifier``.
enum ReplayVerification {
    /// The summary line of a whole file, or the first problem as an error naming its offset.
    static func verify(path: String) throws(RecordingError) -> String {
        let reader = try RecordingReader(path: path, chunkSize: 1 << 20)
        var verifier = RecordingVerifier()
        var commands = 0
        while let entry = try reader.next() {
            try verifier.check(entry)
            if entry.record.type == .commandStart { commands += 1 }
        }
        try verifier.finish(endOffset: reader.offset)
        return
            "\(path): ok: \(verifier.recordCount) records, \(commands) commands, \(reader.offset) bytes, footer present"
    }
}
