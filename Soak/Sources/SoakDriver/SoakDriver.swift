import Foundation
import RemoteExec

/// `SoakDriver --config FILE --host ALIAS --agent PATH --server-pid PID --sequential N --concurrent M`
///
/// Connects once, warms up (install, two concurrent rounds so buffers reach their working size),
/// measures both ends, runs N sequential and M concurrent `echo`s on that one connection, lets the
/// agents finish, measures again, and prints one JSON object for scripts/soak to judge.
@main
struct SoakDriver {
    static func main() async {
        let arguments = Dictionary(
            stride(from: 1, to: CommandLine.arguments.count - 1, by: 2).map {
                (CommandLine.arguments[$0], CommandLine.arguments[$0 + 1])
            }, uniquingKeysWith: { $1 })
        guard let config = arguments["--config"], let hostAlias = arguments["--host"],
            let serverPID = arguments["--server-pid"].flatMap(Int32.init),
            let sequential = arguments["--sequential"].flatMap(Int.init),
            let concurrent = arguments["--concurrent"].flatMap(Int.init)
        else {
            FileHandle.standardError.write(
                Data(
                    "usage: SoakDriver --config FILE --host ALIAS [--agent PATH] --server-pid PID --sequential N --concurrent M\n"
                        .utf8))
            exit(2)
        }
        let report: [String: Any]
        do {
            report = try await run(
                config: config, hostAlias: hostAlias, agent: arguments["--agent"],
                server: ServerSide(listenerPID: serverPID), sequential: sequential, concurrent: concurrent)
        } catch {
            report = ["error": "\(error)"]
        }
        let data = (try? JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])) ?? Data("{}".utf8)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
        exit(0)
    }

    static func run(
        config: String, hostAlias: String, agent: String?, server: ServerSide, sequential: Int, concurrent: Int
    ) async throws -> [String: Any] {
        let host = try await RemoteHost.connect(
            to: try ExecutionDestination(parsing: hostAlias),
            options: RemoteHostOptions(
                sshOverrides: SSHConnectionOverrides(configurationFile: config, allowsTerminalPrompts: false),
                agentPath: agent))
        defer { host.close() }
        let round = ExecRound(host: host)
        let clock = ContinuousClock()
        var warmup = await round.sequential(20, label: "warmup")
        // Two concurrent rounds: sshd's heap reaches its plateau for this many sessions only in the
        // second (measured: +14 MiB once, then flat), and the soak looks for growth, not high water.
        for _ in 0..<2 { warmup.merge(await round.concurrent(concurrent, label: "warmup-concurrent")) }
        let baselineAgents = await server.settle(toAtMost: 1, seconds: 10)
        let clientStart = ProcessFootprint.measure([getpid()])
        let serverStart = server.sessionFootprint()

        var start = clock.now
        let sequentialOutcome = await round.sequential(sequential, label: "sequential")
        let sequentialTime = clock.now - start
        let clientMiddle = ProcessFootprint.measure([getpid()])
        let serverMiddle = server.sessionFootprint()
        start = clock.now
        let concurrentOutcome = await round.concurrent(concurrent, label: "concurrent")
        let concurrentTime = clock.now - start

        let endAgents = await server.settle(toAtMost: baselineAgents, seconds: 10)
        let clientEnd = ProcessFootprint.measure([getpid()])
        let serverEnd = server.sessionFootprint()
        return [
            "warmup_failures": warmup.failures,
            "sequential_ok": sequentialOutcome.succeeded, "sequential_failures": sequentialOutcome.failures,
            "sequential_seconds": seconds(sequentialTime),
            "concurrent_ok": concurrentOutcome.succeeded, "concurrent_failures": concurrentOutcome.failures,
            "concurrent_seconds": seconds(concurrentTime),
            // start, after the sequential commands, end
            "client_fds": [clientStart.descriptors, clientMiddle.descriptors, clientEnd.descriptors],
            "client_rss_kib": [clientStart.residentKiB, clientMiddle.residentKiB, clientEnd.residentKiB],
            "server_processes": [serverStart.processes, serverMiddle.processes, serverEnd.processes],
            "server_fds": [serverStart.descriptors, serverMiddle.descriptors, serverEnd.descriptors],
            "server_rss_kib": [serverStart.residentKiB, serverMiddle.residentKiB, serverEnd.residentKiB],
            "server_agents": [baselineAgents, endAgents],
        ]
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
