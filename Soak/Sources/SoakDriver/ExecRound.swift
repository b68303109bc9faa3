import AgentProto
import RemoteExec
import Synchronization

/// Runs `echo` commands on one host and checks each one's output and exit status.
struct ExecRound: Sendable {
    let host: RemoteHost

    /// What a round saw.
    struct Outcome: Sendable {
        var succeeded = 0
        var failures: [String] = []

        mutating func merge(_ other: Outcome) {
            succeeded += other.succeeded
            if failures.count < 10 { failures += other.failures.prefix(10 - failures.count) }
        }
    }

    /// Runs `count` commands one after the other.
    func sequential(_ count: Int, label: String) async -> Outcome {
        var outcome = Outcome()
        for index in 0..<count { outcome.merge(await runOne("\(label)-\(index)")) }
        return outcome
    }

    /// Runs `count` commands at once.
    func concurrent(_ count: Int, label: String) async -> Outcome {
        await withTaskGroup(of: Outcome.self) { group in
            for index in 0..<count {
                group.addTask { await runOne("\(label)-\(index)") }
            }
            var outcome = Outcome()
            for await one in group { outcome.merge(one) }
            return outcome
        }
    }

    /// One `echo WORD`: exit 0, exactly "WORD\n" on standard output, nothing on standard error.
    private func runOne(_ word: String) async -> Outcome {
        let collected = Collected()
        do {
            let status = try await host.run(RemoteCommand(executable: "echo", arguments: [word])) { process in
                try await process.standardInput.close()
                async let errorBytes = Self.readAll(process.standardError)
                let outputBytes = try await Self.readAll(process.standardOutput)
                collected.set(output: outputBytes, errors: try await errorBytes)
            }
            let (outputBytes, errorBytes) = collected.bytes.withLock { $0 }
            let text = String(decoding: outputBytes, as: UTF8.self)
            let errorText = String(decoding: errorBytes, as: UTF8.self)
            guard status.isSuccess, text == word + "\n", errorText.isEmpty else {
                return Outcome(failures: ["echo \(word): \(status), stdout \(text.debugDescription), stderr \(errorText.debugDescription)"])
            }
            return Outcome(succeeded: 1)
        } catch {
            return Outcome(failures: ["echo \(word): \(error)"])
        }
    }

    private static func readAll(_ stream: MuxStream) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in stream { bytes += chunk }
        return bytes
    }
}

/// One command's output, handed out of the `run` body.
private final class Collected: Sendable {
    let bytes = Mutex<([UInt8], [UInt8])>(([], []))

    func set(output: [UInt8], errors: [UInt8]) { bytes.withLock { $0 = (output, errors) } }
}
