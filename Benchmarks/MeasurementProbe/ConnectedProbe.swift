import AgentProto
import RemoteExec
import WorkspaceFS

/// The measurements that need an established connection: each returns samples (µs) or rates.
struct ConnectedProbe {
    let host: RemoteHost

    /// Exec of `/bin/true` to its exit status, one after another on the one connection.
    func execTrue(count: Int) async throws -> [String: Any] {
        let command = RemoteCommand(executable: "/bin/true")
        for _ in 0..<5 { _ = try await host.run(command) { _ in } }
        var samples: [Double] = []
        for _ in 0..<count {
            let start = ContinuousClock.now
            let status = try await host.run(command) { _ in }
            samples.append((ContinuousClock.now - start).microseconds)
            guard status.isSuccess else { throw ProbeError(text: "/bin/true ended with \(status)") }
        }
        return ["samples_us": samples]
    }

    /// SIGTERM to a running `sleep`'s process group until its exit status arrives.
    func signal(count: Int) async throws -> [String: Any] {
        let command = RemoteCommand(executable: "/bin/sh", arguments: ["-c", "echo ready; exec sleep 60"])
        var samples: [Double] = []
        for _ in 0..<count {
            let process = try await host.start(command)
            process.standardError.close()
            guard try await process.standardOutput.read() != nil else {
                throw ProbeError(text: "sleep ended before it said it was ready")
            }
            let start = ContinuousClock.now
            try process.send(signal: 15)
            let status = try await process.terminationStatus()
            samples.append((ContinuousClock.now - start).microseconds)
            process.close()
            guard status.signal == 15 else { throw ProbeError(text: "sleep ended with \(status), not SIGTERM") }
        }
        return ["samples_us": samples]
    }

    /// Stat of one path, one call at a time: from a task on the session thread
    /// (`samples_us`) and from one on the cooperative pool (`pool_samples_us`), in alternating
    /// blocks so that neither gets the quieter moments.
    func stat(path: String, count: Int) async throws -> [String: Any] {
        try await withFileSystem { fileSystem in
            func stats(_ count: Int) async throws -> [Double] {
                for _ in 0..<50 { _ = try await fileSystem.info(forFileAt: path) }
                var samples: [Double] = []
                for _ in 0..<count {
                    let start = ContinuousClock.now
                    _ = try await fileSystem.info(forFileAt: path)
                    samples.append((ContinuousClock.now - start).microseconds)
                }
                return samples
            }
            var (pooled, onReceivingThread): ([Double], [Double]) = ([], [])
            for block in Alternation.blocks(count) {
                pooled += try await stats(block)
                onReceivingThread += try await withTaskExecutorPreference(fileSystem.receivingExecutor) {
                    try await stats(block)
                }
            }
            return ["samples_us": onReceivingThread, "pool_samples_us": pooled]
        }
    }

    /// Open, read to the end and close every file of `directory` (`files` of them), `concurrency`
    /// files in flight; three passes.
    func readFiles(directory: String, files: Int, concurrency: Int) async throws -> [String: Any] {
        try await withFileSystem { fileSystem in
            let paths = try await fileSystem.contentsOfDirectory(at: directory).map {
                RemotePath.join(directory, $0.name)
            }
            .sorted().prefix(files)
            var rates: [Double] = []
            for _ in 0..<3 {
                let start = ContinuousClock.now
                let bytes = try await withThrowingTaskGroup(of: Int.self) { group in
                    var total = 0
                    var next = paths.startIndex
                    func readNext() -> Bool {
                        guard next < paths.endIndex else { return false }
                        let path = paths[next]
                        next += 1
                        group.addTask {
                            try await fileSystem.withFileHandle(forReadingAt: path) {
                                (handle) async throws(WorkspaceFSError) -> Int in try await handle.readToEnd().count
                            }
                        }
                        return true
                    }
                    for _ in 0..<concurrency where !readNext() { break }
                    while let count = try await group.next() {
                        total += count
                        _ = readNext()
                    }
                    return total
                }
                guard bytes > 0 else { throw ProbeError(text: "\(directory) has no data") }
                rates.append(Double(paths.count) / ((ContinuousClock.now - start).microseconds / 1e6))
            }
            return ["files_per_second": rates, "files": paths.count]
        }
    }

    /// Reads `directory` (names and attributes) whole, one listing at a time.
    func readDirectory(_ directory: String, count: Int) async throws -> [String: Any] {
        try await withFileSystem { fileSystem in
            var entries = 0
            for _ in 0..<5 { entries = try await fileSystem.contentsOfDirectory(at: directory).count }
            var samples: [Double] = []
            for _ in 0..<count {
                let start = ContinuousClock.now
                _ = try await fileSystem.contentsOfDirectory(at: directory)
                samples.append((ContinuousClock.now - start).microseconds)
            }
            return ["samples_us": samples, "entries": entries]
        }
    }

    /// Starts an agent for file operations (as `mproxy fs` does) and gives `body` its file system.
    private func withFileSystem(_ body: (RemoteFileSystem) async throws -> [String: Any]) async throws -> [String: Any]
    {
        let launched = try await host.launcher.launchAgent(standardError: { _ in })
        let mux = Mux(transport: launched.transport)
        mux.start()
        defer { mux.close() }
        try await mux.send(.config(AgentConfiguration(extensions: ["hello"])))
        return try await body(RemoteFileSystem(client: mux))
    }
}
