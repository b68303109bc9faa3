// Mode selection, the hello extension, PATH enumeration and file-service mode of the built agent.

import AgentProto
import Foundation
import Testing

@testable import MProxyAgent

@Suite("mproxy-agent: modes and extensions", .timeLimit(.minutes(1)))
struct AgentModeTests {
    @Test("A Config asking for the hello extension gets a hello first; a Go-style Config gets none")
    func helloNegotiation() async throws {
        let observed = FrameLog()
        for asks in [true, false] {
            let agent = try AgentProcess(observer: observed)
            agent.start()
            try await agent.mux.send(
                .config(
                    AgentConfiguration(
                        environmentKeep: ["PATH"], environmentRemove: [], extensions: asks ? ["hello"] : [])))
            try await agent.mux.send(.exec(ExecRequest(path: "/bin/true", arguments: ["true"])))
            #expect(try await agent.mux.exitStatus().code == 0)
            _ = agent.finish()
            let types = observed.takeReceivedTypes()
            #expect(types.first == (asks ? .hello : .eof))
            #expect(types.contains(.hello) == asks)
        }
    }

    @Test("PathQuery lists executables in PATH order, sorted, first occurrence wins")
    func pathQuery() async throws {
        let base = NSTemporaryDirectory() + "mproxy-path-" + UUID().uuidString
        for directory in ["a", "b"] {
            try FileManager.default.createDirectory(atPath: "\(base)/\(directory)", withIntermediateDirectories: true)
        }
        defer { try? FileManager.default.removeItem(atPath: base) }
        func make(_ path: String, _ mode: Int) throws {
            _ = FileManager.default.createFile(
                atPath: "\(base)/\(path)", contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: mode])
        }
        try make("a/zeta", 0o755)
        try make("a/alpha", 0o700)
        try make("a/plain", 0o644)
        try make("b/alpha", 0o755)
        try make("b/beta", 0o755)
        try FileManager.default.createSymbolicLink(atPath: "\(base)/b/link", withDestinationPath: "\(base)/a/zeta")
        try FileManager.default.createSymbolicLink(atPath: "\(base)/b/broken", withDestinationPath: "\(base)/nowhere")
        let agent = try AgentProcess()
        agent.start()
        let info = try await agent.mux.pathQuery(
            PathQuery(directories: ["\(base)/a", "", "\(base)/b", "\(base)/missing"]))
        let entries = info.entries ?? []
        #expect(entries.map(\.name) == ["alpha", "zeta", "beta", "link"])
        #expect(entries[0].path == "\(base)/a/alpha")
        #expect(entries[0].mode == 0o700)
        #expect(entries[3].path == "\(base)/b/link")
        #expect(agent.finish() == 0)
    }

    @Test("File-service mode answers from the first FileOp and exits 0 when the client closes")
    func fileService() async throws {
        let agent = try AgentProcess()
        agent.start()
        let response = try await agent.mux.fileOperation(FileOperationRequest(operation: .getWorkingDirectory))
        #expect(response.path.hasPrefix("/"))
        #expect(agent.finish() == 0)
    }

    @Test(
        "Command-line arguments: --version prints the version, anything else prints usage and exits 2",
        arguments: [(["--version"], 0), (["-x"], 2), (["--version", "extra"], 2)] as [([String], Int32)])
    func commandLine(arguments: [String], expectedStatus: Int32) throws {
        let process = Process()
        process.executableURL = AgentProcess.executableURL
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let complaint = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == expectedStatus)
        if expectedStatus == 0 {
            #expect(printed == "mproxy-agent 0.1.0 (agentproto 1.3.4)\n")
        } else {
            #expect(printed.isEmpty)
            #expect(complaint.hasPrefix("usage: mproxy-agent [--version]"))
        }
    }

    @Test("A first frame that selects no mode is rejected with exit 127")
    func rejectsOtherFirstFrames() async throws {
        let agent = try AgentProcess()
        agent.start()
        try await agent.mux.send(.signal(15))
        agent.process.waitUntilExit()
        #expect(agent.process.terminationStatus == 127)
    }

    @Test("Mode selection: one Config, then Exec, PathQuery or FileOp; a second Config is rejected")
    func selectorRules() {
        var selector = AgentModeSelector()
        guard case .configure = selector.receive(.config(AgentConfiguration())) else {
            Issue.record("a first Config configures")
            return
        }
        guard case .reject = selector.receive(.config(AgentConfiguration())) else {
            Issue.record("a second Config is rejected")
            return
        }
        var direct = AgentModeSelector()
        guard case .startExec = direct.receive(.exec(ExecRequest(path: "true"))) else {
            Issue.record("Exec selects exec mode")
            return
        }
        #expect(direct.mode == .exec)
        guard case .none = direct.receive(.exec(ExecRequest(path: "true"))) else {
            Issue.record("later frames belong to the mode")
            return
        }
        var missingConfiguration = AgentModeSelector()
        guard case .reject = missingConfiguration.receive(Frame(type: .config)) else {
            Issue.record("a Config without cfg is rejected")
            return
        }
    }

    @Test("Environment filter: remove beats keep, changed names kept, invalid regex skipped, order kept")
    func environmentFilter() {
        let filter = EnvironmentFilter(keep: ["A*", "/^B.$/", "/[/"], remove: ["AX"])
        let result = filter.filter(["AX=1", "AY=2", "BZ=3", "BZZ=4", "C=5", "D", "MPROXY_CHANGED_ENVS=C:D"])
        #expect(result == ["AY=2", "BZ=3", "C=5", "D"])
        #expect(EnvironmentFilter(keep: [], remove: []).filter([]) == [])
    }
}

/// Collects the types of frames the client received.
final class FrameLog: FrameObserver, @unchecked Sendable {
    private let lock = NSLock()
    private var types: [FrameType] = []

    func observe(_ frame: Frame, direction: FrameDirection) throws {
        guard direction == .receive else { return }
        lock.withLock { types.append(frame.type) }
    }

    func takeReceivedTypes() -> [FrameType] {
        lock.withLock {
            defer { types = [] }
            return types
        }
    }
}
