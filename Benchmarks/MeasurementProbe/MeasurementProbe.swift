import AgentProto
import Foundation
import RemoteExec
import WorkspaceFS

/// Measures through the library what the `mproxy` command cannot show on its own: operations on an
/// established connection (exec, signals, file RPCs) and the codec. `scripts/bench` runs it and
/// compares the figures with OpenSSH, sftp and sshfs. Every mode prints one JSON object on stdout.
///
///     MeasurementProbe exec-true  CONFIG HOST COUNT
///     MeasurementProbe signal     CONFIG HOST COUNT
///     MeasurementProbe stat       CONFIG HOST PATH COUNT
///     MeasurementProbe read-files CONFIG HOST DIRECTORY FILES CONCURRENCY
///     MeasurementProbe readdir    CONFIG HOST DIRECTORY COUNT
///     MeasurementProbe codec      COUNT
///     MeasurementProbe mux-rpc    COUNT
@main
struct MeasurementProbe {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            let result = try await run(arguments)
            let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
            FileHandle.standardOutput.write(json + Data("\n".utf8))
            exit(0)
        } catch {
            FileHandle.standardError.write(
                Data("MeasurementProbe \(arguments.joined(separator: " ")): \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(_ arguments: [String]) async throws -> [String: Any] {
        guard let mode = arguments.first else { throw ProbeError(text: "no mode given") }
        if mode == "codec" {
            return CodecTimings.measure(iterations: try integer(arguments, 1))
        }
        if mode == "mux-rpc" {
            return try await MuxRoundTrip.measure(count: try integer(arguments, 1))
        }
        guard arguments.count >= 3 else { throw ProbeError(text: "\(mode) needs CONFIG and HOST") }
        let options = RemoteHostOptions(
            sshOverrides: SSHConnectionOverrides(configurationFile: arguments[1], allowsTerminalPrompts: false))
        let host = try await RemoteHost.connect(to: try ExecutionDestination(parsing: arguments[2]), options: options)
        defer { host.close() }
        let probe = ConnectedProbe(host: host)
        switch mode {
        case "exec-true": return try await probe.execTrue(count: try integer(arguments, 3))
        case "signal": return try await probe.signal(count: try integer(arguments, 3))
        case "stat": return try await probe.stat(path: arguments[3], count: try integer(arguments, 4))
        case "read-files":
            return try await probe.readFiles(
                directory: arguments[3], files: try integer(arguments, 4), concurrency: try integer(arguments, 5))
        case "readdir": return try await probe.readDirectory(arguments[3], count: try integer(arguments, 4))
        default: throw ProbeError(text: "unknown mode \(mode)")
        }
    }

    static func integer(_ arguments: [String], _ index: Int) throws -> Int {
        guard index < arguments.count, let value = Int(arguments[index]), value > 0 else {
            throw ProbeError(text: "argument \(index) must be a positive integer")
        }
        return value
    }
}
