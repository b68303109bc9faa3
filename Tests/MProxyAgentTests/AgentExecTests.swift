// The built agent driven by the Swift Mux over pipes: output, exit codes, signals, start errors,
// environment, argv, extra fds (ExecSession, ChildProcess, ChildReaper).

import AgentProto
import Foundation
import Testing

@Suite("mproxy-agent: exec", .timeLimit(.minutes(1)))
struct AgentExecTests {
    @Test("echo writes its arguments to stdout and exits 0")
    func echo() async throws {
        let result = try await AgentProcess.run(ExecRequest(path: "echo", arguments: ["echo", "hello", "world"]))
        #expect(result.output == "hello world\n")
        #expect(result.status == MuxExitStatus(code: 0))
    }

    @Test("The exit status passes through", arguments: [0, 1, 42, 255])
    func exitCodes(code: Int) async throws {
        let result = try await AgentProcess.run(ExecRequest(path: "/bin/sh", arguments: ["sh", "-c", "exit \(code)"]))
        #expect(result.status.code == code)
        #expect(result.status.error.isEmpty)
    }

    @Test("Death by signal is 128 + signal", arguments: [(15, 143), (9, 137)])
    func killedBySignal(signal: Int, expected: Int) async throws {
        let result = try await AgentProcess.run(
            ExecRequest(path: "/bin/sleep", arguments: ["sleep", "30"]), input: nil,
            afterStart: { mux in try await mux.send(.signal(signal)) })
        #expect(result.status.code == expected)
    }

    @Test("A missing program is 127 with Go's text")
    func missingProgram() async throws {
        let result = try await AgentProcess.run(
            ExecRequest(path: "no-such-program-mproxy", arguments: ["no-such-program-mproxy"]))
        #expect(result.status.code == 127)
        #expect(result.status.error == "exec: \"no-such-program-mproxy\": executable file not found in $PATH")
    }

    @Test("A bad working directory is 127 with the chdir error")
    func badWorkingDirectory() async throws {
        let result = try await AgentProcess.run(
            ExecRequest(path: "/bin/true", arguments: ["true"], workingDirectory: "/no/such/dir"))
        #expect(result.status.code == 127)
        #expect(result.status.error == "chdir /no/such/dir: no such file or directory")
    }

    @Test("The working directory is applied")
    func workingDirectory() async throws {
        let result = try await AgentProcess.run(
            ExecRequest(path: "/bin/pwd", arguments: ["pwd"], workingDirectory: "/usr/bin"))
        #expect(result.output == "/usr/bin\n")
    }

    @Test("env null inherits the agent's environment; [] is empty")
    func environmentInheritOrEmpty() async throws {
        let inherited = try await AgentProcess.run(
            ExecRequest(path: "/usr/bin/env", arguments: ["env"], environment: nil))
        #expect(inherited.output.contains("PATH="))
        let empty = try await AgentProcess.run(ExecRequest(path: "/usr/bin/env", arguments: ["env"], environment: []))
        #expect(empty.output == "")
    }

    @Test("The Config filter keeps, removes, honours MPROXY_CHANGED_ENVS, globs and /regex/")
    func environmentFiltered() async throws {
        let configuration = AgentConfiguration(
            environmentKeep: ["HOME", "LC_*", "/^KEEP_[0-9]+$/"], environmentRemove: ["LC_SECRET", "MPROXY_*"])
        let environment = [
            "HOME=/h", "LC_ALL=C", "LC_SECRET=x", "KEEP_12=y", "KEEP_X=n", "OTHER=z", "CHANGED=c",
            "MPROXY_CHANGED_ENVS=CHANGED", "MPROXY_TOKEN=t",
        ]
        let result = try await AgentProcess.run(
            ExecRequest(path: "/usr/bin/env", arguments: ["env"], environment: environment),
            configuration: configuration)
        #expect(result.output == "HOME=/h\nLC_ALL=C\nKEEP_12=y\nCHANGED=c\n")
    }

    @Test("argv reaches the child verbatim: spaces, quotes, newlines, control and non-ASCII characters")
    func argumentsVerbatim() async throws {
        let arguments = [
            "a b", "\"quoted\" 'single'", "line1\nline2", "tab\there", "\u{1}\u{7f}", "ünïcødé 🎉", "$HOME `x` \\", "",
        ]
        let result = try await AgentProcess.run(
            ExecRequest(path: "/usr/bin/printf", arguments: ["printf", "%s\\0"] + arguments))
        let parts = result.standardOutput.split(separator: 0, omittingEmptySubsequences: false).dropLast()
        #expect(parts.map { String(decoding: $0, as: UTF8.self) } == arguments)
    }

    @Test(
        "argv, the program path, the working directory and the environment that are not UTF-8 reach the child as their bytes"
    )
    func argumentsThatAreNotUTF8() async throws {
        let latin1 = PathBytes.string(from: Array("caf".utf8) + [0xE9])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("exec-\(UUID().uuidString)").path
        let odd = directory + "/" + latin1
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        PathBytes.withCString(odd) { #expect(mkdir($0, 0o755) == 0) }
        defer {
            _ = PathBytes.withCString(odd) { rmdir($0) }
            try? FileManager.default.removeItem(atPath: directory)
        }
        let result = try await AgentProcess.run(
            ExecRequest(
                path: "/bin/sh", arguments: ["sh", "-c", "printf '%s\\0' \"$1\" \"$ODD\" \"$(pwd)\"", "sh", latin1],
                environment: ["ODD=" + latin1, "PATH=/usr/bin:/bin"], workingDirectory: odd))
        let parts = result.standardOutput.split(separator: 0, omittingEmptySubsequences: false).dropLast().map(
            Array.init)
        let raw = Array("caf".utf8) + [0xE9]
        #expect(parts == [raw, raw, Array(directory.utf8) + [UInt8(ascii: "/")] + raw])
        #expect(result.status.code == 0)
    }

    @Test("argv[0] is kept as sent, not replaced by the path")
    func argumentZero() async throws {
        let result = try await AgentProcess.run(
            ExecRequest(path: "/bin/sh", arguments: ["custom-name", "-c", "echo $0"]))
        #expect(result.output == "custom-name\n")
    }

    @Test("Extra fds 3 and 5 are socketpairs at exactly those numbers, both directions")
    func extraDescriptors() async throws {
        let agent = try AgentProcess()
        let three = try agent.mux.openStream(3)
        let five = try agent.mux.openStream(5)
        let output = try agent.mux.openStream(1)
        agent.start()
        // `ls` as a plain child (not exec'd, no pipeline): the shell holds no pipe of its own while
        // ls reads its descriptors, whatever the scheduling.
        let script = "read line <&3; echo \"three:$line\" >&5; echo five-out >&5; ls /proc/$$/fd/; true"
        try await agent.mux.send(
            .exec(ExecRequest(path: "/bin/sh", arguments: ["sh", "-c", script], extraFileDescriptors: [3, 5])))
        try await agent.mux.send(.data(stream: 3, Array("ping\n".utf8)))
        try await agent.mux.send(.eof(stream: 3))
        try await agent.mux.send(.eof(stream: 5))
        try await agent.mux.send(.eof(stream: 0))
        let fromFive = try await AgentProcess.collect(five)
        let fromThree = try await AgentProcess.collect(three)
        let listing = String(decoding: try await AgentProcess.collect(output), as: UTF8.self)
        #expect(String(decoding: fromFive, as: UTF8.self) == "three:ping\nfive-out\n")
        #expect(fromThree.isEmpty)
        #expect(try await agent.mux.exitStatus().code == 0)
        let descriptors = Set(listing.split(whereSeparator: \.isWhitespace).compactMap { Int($0) })
        #expect(descriptors.isSuperset(of: [0, 1, 2, 3, 5]))
        #expect(!descriptors.contains(4), "gaps stay closed")
        _ = agent.finish()
    }
}
