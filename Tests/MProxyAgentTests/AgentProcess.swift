// Runs the built mproxy-agent as a child with pipes on its stdin/stdout and drives it with the
// Swift Mux, as the mproxy client does over SSH.

import AgentProto
import Foundation
import Synchronization

/// A running agent and the client mux talking to it.
final class AgentProcess: Sendable {
    let process: Process
    let mux: Mux
    private let transport: PipeTransport

    /// The agent under test (see ``BuiltAgent/underTest``).
    static var executableURL: URL { BuiltAgent.underTest }

    /// Starts the agent; open the streams you read before calling ``start()``.
    init(observer: (any FrameObserver)? = nil, handlers: MuxHandlers = MuxHandlers()) throws {
        let input = Pipe()
        let output = Pipe()
        process = Process()
        process.executableURL = Self.executableURL
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        transport = PipeTransport(
            input: output.fileHandleForReading.fileDescriptor,
            output: input.fileHandleForWriting.fileDescriptor,
            keepAlive: [input, output])
        mux = Mux(transport: transport, configuration: MuxConfiguration(observer: observer), handlers: handlers)
    }

    /// Starts the mux.
    func start() { mux.start() }

    /// Drops the connection the way a dead SSH session does: both pipes close, no orderly end.
    func disconnect() { transport.disconnect() }

    /// Closes the mux (our side of stdin closes) and waits for the agent to exit.
    func finish() -> Int32 {
        mux.close()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// Everything a command produced.
struct CommandResult: Sendable {
    var standardOutput: [UInt8] = []
    var standardError: [UInt8] = []
    var status = MuxExitStatus(code: -1)
    var output: String { String(decoding: standardOutput, as: UTF8.self) }
    var errors: String { String(decoding: standardError, as: UTF8.self) }
}

extension AgentProcess {
    /// Runs one command to its Exit: sends `configuration` (if any) and the Exec, then `input` and
    /// stdin EOF, while collecting stdout and stderr.
    static func run(
        _ request: ExecRequest,
        configuration: AgentConfiguration? = nil,
        input: [UInt8]? = [],
        afterStart: (@Sendable (Mux) async throws -> Void)? = nil
    ) async throws -> CommandResult {
        let agent = try AgentProcess()
        let standardOutput = try agent.mux.openStream(1)
        let standardError = try agent.mux.openStream(2)
        agent.start()
        if let configuration { try await agent.mux.send(.config(configuration)) }
        try await agent.mux.send(.exec(request))
        async let output = collect(standardOutput)
        async let errors = collect(standardError)
        if let afterStart { try await afterStart(agent.mux) }
        if let input {
            var offset = 0
            while offset < input.count {
                let end = min(offset + 32768, input.count)
                try await agent.mux.send(.data(stream: 0, Array(input[offset..<end])))
                offset = end
            }
            try await agent.mux.send(.eof(stream: 0))
        }
        var result = CommandResult()
        result.standardOutput = try await output
        result.standardError = try await errors
        result.status = try await agent.mux.exitStatus()
        _ = agent.finish()
        return result
    }

    static func collect(_ stream: MuxStream) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in stream { bytes += chunk }
        return bytes
    }
}
