import AgentProto
import Foundation
import Testing

@testable import RemoteExec

#if canImport(Glibc)
    import Glibc
#endif

/// `mproxy exec` end to end: the real binary against a throwaway sshd, the agent installed into the
/// server's own `HOME`.
@Suite("mproxy exec over SSH", .timeLimit(.minutes(3)))
struct ExecOverSSHTests {
    /// `mproxy exec -F CONFIG [options] ALIAS -- words...`.
    static func exec(_ server: TestSSHServer, _ options: [String] = [], _ words: String...) -> [String] {
        ["exec", "-F", server.configurationFile] + options + [server.alias, "--"] + words
    }

    /// The installed agents under the server's home, by hash.
    static func installedAgents(_ server: TestSSHServer) -> [String] {
        let directory = server.home + "/.cache/mproxy/agent"
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    /// Writes `bytes` over the file at `path` without replacing it, retrying while it is executing.
    static func overwriteInPlace(_ path: String, with bytes: Data) -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let descriptor = open(path, O_WRONLY | O_TRUNC)
            if descriptor >= 0 {
                let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                close(descriptor)
                return written == bytes.count
            }
            guard errno == ETXTBSY else { return false }
            usleep(20_000)
        }
        return false
    }

    @Test("echo, stderr apart, exit codes, hostile argv verbatim, --cwd, -n")
    func basics() async throws {
        try await withTestSSHServer { server in
            let echo = try await MProxyChild.run(Self.exec(server, [], "echo", "hello world"))
            #expect(echo.status == 0)
            #expect(echo.outputText == "hello world\n")
            #expect(echo.errorText == "", "\(echo.errorText)")

            for code in [0, 1, 3, 42, 255] {
                let result = try await MProxyChild.run(
                    Self.exec(server, [], "sh", "-c", "echo out; echo err >&2; exit \(code)"))
                #expect(result.status == Int32(code))
                #expect(result.outputText == "out\n")
                #expect(result.errorText == "err\n")
            }

            let hostile = ["$(touch /tmp/owned)", "a b", "'\"", "*", "\\n", "; rm -rf /", "", "ü\u{1}", "-n", "$HOME"]
            let printed = try await MProxyChild.run(
                ["exec", "-F", server.configurationFile, server.alias, "--", "printf", "%s\\n"] + hostile)
            #expect(printed.outputText == hostile.map { $0 + "\n" }.joined())

            let cwd = try await MProxyChild.run(Self.exec(server, ["--cwd", "/tmp"], "pwd"))
            #expect(cwd.outputText == "/tmp\n")
            let badCwd = try await MProxyChild.run(Self.exec(server, ["--cwd", "/nonexistent-dir"], "pwd"))
            #expect(badCwd.status == 127)
            #expect(badCwd.errorText.contains("mproxy: pwd: "), "\(badCwd.errorText)")

            let missing = try await MProxyChild.run(Self.exec(server, [], "/nonexistent/program"))
            #expect(missing.status == 127)

            // -n: the command reads end of file at once, even though our stdin stays open.
            let child = try MProxyChild(Self.exec(server, ["-n"], "cat"), input: .pipe)
            let noInput = try await onDedicatedThread { child.wait() }
            child.closeInput()
            #expect(noInput.status == 0)
            #expect(noInput.outputText == "")
        }
    }

    @Test("--transport openssh: the system ssh carries the same agent and the same results")
    func openSSHTransport() async throws {
        try await withTestSSHServer { server in
            let result = try await MProxyChild.run(
                Self.exec(server, ["--transport", "openssh"], "sh", "-c", "echo out; echo err >&2; exit 5"))
            #expect(result.status == 5, "\(result.errorText)")
            #expect(result.outputText == "out\n")
            #expect(result.errorText == "err\n")
            let again = try await MProxyChild.run(Self.exec(server, ["--transport", "openssh", "-v"], "true"))
            #expect(again.status == 0)
            #expect(!again.errorText.contains("mproxy: install "), "\(again.errorText)")
        }
    }

    @Test("--env sets variables; --env-keep and --env-remove filter the forwarded environment")
    func environment() async throws {
        try await withTestSSHServer { server in
            let local = ["MPROXY_TEST_KEEP": "kept", "MPROXY_TEST_DROP": "dropped", "OTHER_TEST_VAR": "other"]
            let script =
                "echo ${GREETING:-unset} ${MPROXY_TEST_KEEP:-unset} ${MPROXY_TEST_DROP:-unset} ${OTHER_TEST_VAR:-unset}"

            let inherited = try await MProxyChild.run(Self.exec(server, [], "sh", "-c", script), environment: local)
            #expect(
                inherited.outputText == "unset unset unset unset\n", "the remote login environment, as ssh gives it")

            let set = try await MProxyChild.run(
                Self.exec(server, ["--env", "GREETING=hi there"], "sh", "-c", script), environment: local)
            #expect(set.outputText == "hi there unset unset unset\n", "defaults keep HOME PATH …, remove MPROXY_*")

            let kept = try await MProxyChild.run(
                Self.exec(
                    server,
                    [
                        "--env", "GREETING=x=y", "--env-keep", "MPROXY_TEST_*", "--env-keep", "/^OTHER_/",
                        "--env-remove", "MPROXY_TEST_DROP",
                    ],
                    "sh", "-c", script), environment: local)
            #expect(kept.outputText == "x=y kept unset other\n")

            let path = try await MProxyChild.run(
                Self.exec(server, ["--env", "A=1"], "sh", "-c", "echo $HOME"), environment: ["HOME": "/local/home"])
            #expect(path.outputText == "/local/home\n", "with --env the local environment is forwarded")
        }
    }

    @Test("100 MB of stdin arrive intact: the remote sha256sum matches")
    func largeStandardInput() async throws {
        try await withTestSSHServer { server in
            let file = server.directory.appendingPathComponent("stdin.bin").path
            var generator = SystemRandomNumberGenerator()
            let block = (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            guard FileManager.default.createFile(atPath: file, contents: nil),
                let handle = FileHandle(forWritingAtPath: file)
            else { throw FixtureError("cannot write \(file)") }
            for index in 0..<100 {
                var chunk = block
                chunk[0] = UInt8(index)
                handle.write(Data(chunk))
            }
            try handle.close()
            let local = try LocalProcess.run("/usr/bin/sha256sum", arguments: [file])
            let expected = String(decoding: local.standardOutput, as: UTF8.self).prefix(64)
            let remote = try await MProxyChild.run(Self.exec(server, [], "sha256sum"), input: .file(file))
            #expect(remote.status == 0, "\(remote.errorText)")
            #expect(remote.outputText == "\(expected)  -\n")
        }
    }

    @Test(
        "each forwarded signal reaches the remote process group; the exit code says which",
        arguments: [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2])
    func forwardsSignal(_ number: Int32) async throws {
        try await withTestSSHServer { server in
            // The outer shell's trap proves the group's leader got the signal; the inner shell (a
            // foreground child, so not ignoring SIGINT/SIGQUIT as background jobs do) becomes the
            // `sleep` whose pid it prints, and must die of it too.
            let script = "trap 'echo trapped $1; exit 77' \(number); sh -c 'echo $$; exec sleep 30'; echo not reached"
            let child = try MProxyChild(Self.exec(server, [], "sh", "-c", script, "sh", "\(number)"))
            let lines = try await onDedicatedThread { child.lines(1) }
            let sleeper = try #require(lines.first.flatMap { pid_t($0) }, "\(lines)")
            child.send(signal: number)
            let result = try await onDedicatedThread { child.wait() }
            #expect(result.status == 77, "\(result.errorText)")
            #expect(result.outputText == "\(sleeper)\ntrapped \(number)\n")
            #expect(try await onDedicatedThread { processVanishes(sleeper) }, "the remote sleep \(sleeper) still runs")
        }
    }

    @Test("Ctrl-C ends a remote sleep with 130 and leaves no remote process behind")
    func interruptEndsRemoteSleep() async throws {
        try await withTestSSHServer { server in
            let child = try MProxyChild(Self.exec(server, [], "sh", "-c", "echo $$; exec sleep 30"))
            let lines = try await onDedicatedThread { child.lines(1) }
            let remote = try #require(lines.first.flatMap { pid_t($0) })
            child.send(signal: SIGINT)
            let result = try await onDedicatedThread { child.wait() }
            #expect(result.status == 130)
            #expect(try await onDedicatedThread { processVanishes(remote) })
        }
    }

    @Test("a second Ctrl-C within a second kills a program that ignores SIGINT; mproxy exits 130")
    func secondInterruptForcesTermination() async throws {
        try await withTestSSHServer { server in
            let script = "trap '' INT; echo $$; while :; do sleep 1; done"
            let child = try MProxyChild(Self.exec(server, [], "sh", "-c", script))
            let lines = try await onDedicatedThread { child.lines(1) }
            let remote = try #require(lines.first.flatMap { pid_t($0) })
            child.send(signal: SIGINT)
            usleep(200_000)
            #expect(kill(remote, 0) == 0, "one Ctrl-C is forwarded, and the program ignores it")
            child.send(signal: SIGINT)
            let result = try await onDedicatedThread { child.wait() }
            #expect(result.status == 130)
            #expect(result.errorText.contains("second Ctrl-C"), "\(result.errorText)")
            #expect(try await onDedicatedThread { processVanishes(remote) })
        }
    }

    @Test("--timeout sends SIGTERM, then SIGKILL after --kill-after to a program that ignores SIGTERM")
    func timeout() async throws {
        try await withTestSSHServer { server in
            let polite = try await MProxyChild.run(Self.exec(server, ["--timeout", "300ms"], "sleep", "30"))
            #expect(polite.status == 143)
            #expect(polite.errorText.contains("timed out after 300ms"), "\(polite.errorText)")

            let script = "trap '' TERM; echo $$; while :; do sleep 0.1; done"
            let stubborn = try await MProxyChild.run(
                Self.exec(server, ["--timeout", "0.3", "--kill-after", "300ms"], "sh", "-c", script))
            #expect(stubborn.status == 137)
            let remote = try #require(pid_t(stubborn.outputText.split(separator: "\n").first ?? ""))
            #expect(try await onDedicatedThread { processVanishes(remote) })
        }
    }

    @Test("every destination form reaches the server; -l, -p and -i override")
    func destinations() async throws {
        try await withTestSSHServer { server in
            // An ssh_config that also knows the bare address, so the address forms find the keys.
            let config = server.directory.appendingPathComponent("address_config").path
            try
                (try String(contentsOfFile: server.configurationFile, encoding: .utf8)
                    + """

                    Host 127.0.0.1
                        IdentityFile \(server.identityFile)
                        IdentitiesOnly yes
                        UserKnownHostsFile \(server.knownHostsFile)
                        StrictHostKeyChecking yes

                    """).write(toFile: config, atomically: true, encoding: .utf8)
            let forms: [[String]] = [
                [server.alias],
                ["\(server.user)@\(server.alias)"],
                ["\(server.user)@127.0.0.1:\(server.port)"],
                ["127.0.0.1:\(server.port)"],
                ["[127.0.0.1]:\(server.port)"],
                ["ssh://\(server.user)@127.0.0.1:\(server.port)"],
                ["ssh://127.0.0.1:\(server.port)/"],
                ["-p", "\(server.port)", "-l", server.user, "-i", server.identityFile, "127.0.0.1"],
            ]
            for form in forms {
                let result = try await MProxyChild.run(["exec", "-F", config] + form + ["--", "echo", "ok"])
                #expect(result.status == 0, "\(form): \(result.errorText)")
                #expect(result.outputText == "ok\n", "\(form)")
            }
            let bad = try await MProxyChild.run(["exec", "-F", config, "ftp://host", "--", "true"])
            #expect(bad.status == 255)
            #expect(bad.errorText.contains("ssh://user@host:port"), "\(bad.errorText)")
        }
    }

    @Test("unknown host, changed host key and a refused user key: exit 255 with one clear line")
    func refusals() async throws {
        try await withTestSSHServer { server in
            try server.writeKnownHosts("")
            let unknown = try await MProxyChild.run(Self.exec(server, [], "true"))
            #expect(unknown.status == 255)
            #expect(unknown.errorText.contains("SHA256:"), "\(unknown.errorText)")
            #expect(unknown.errorText.contains("--accept-new"))
            #expect(try server.readKnownHosts() == "")

            let impostor = try server.generateKey(named: "impostor")
            let impostorPublic = try String(contentsOfFile: impostor + ".pub", encoding: .utf8)
                .split(separator: " ").prefix(2).joined(separator: " ")
            try server.writeKnownHosts("[127.0.0.1]:\(server.port) \(impostorPublic)\n")
            let changed = try await MProxyChild.run(Self.exec(server, ["--accept-new"], "true"))
            #expect(changed.status == 255)
            #expect(changed.errorText.contains("CHANGED"), "\(changed.errorText)")

            try server.writeKnownHosts("[127.0.0.1]:\(server.port) \(server.hostPublicKey)\n")
            let stranger = try server.generateKey(named: "stranger")
            let refused = try await MProxyChild.run(Self.exec(server, ["-i", stranger], "true"))
            #expect(refused.status == 255)
            #expect(refused.errorText.contains("\(stranger) (refused)"), "\(refused.errorText)")
            #expect(refused.outputText == "")
        }
    }

    @Test("the agent is uploaded once, reused after, and a tampered copy is detected and replaced")
    func installOnceAndTampering() async throws {
        try await withTestSSHServer { server in
            let first = try await MProxyChild.run(Self.exec(server, ["-v"], "true"))
            #expect(first.status == 0, "\(first.errorText)")
            #expect(first.errorText.contains("mproxy: install "), "\(first.errorText)")
            let hashes = Self.installedAgents(server)
            try #require(hashes.count == 1)
            let installed = server.home + "/.cache/mproxy/agent/\(hashes[0])/mproxy-agent"
            let original = try Data(contentsOf: URL(fileURLWithPath: installed))
            #expect(FileManager.default.fileExists(atPath: installed + ".verified"), "the stamp of the last hash check")

            let second = try await MProxyChild.run(Self.exec(server, ["-v"], "echo", "again"))
            #expect(second.outputText == "again\n")
            #expect(!second.errorText.contains("mproxy: install "), "second run uploaded again: \(second.errorText)")
            #expect(second.errorText.contains("agent \(installed)"), "\(second.errorText)")

            // Same size, same inode, one byte changed in place. The kernel refuses writes to a file
            // being executed (ETXTBSY), so wait for the last command's agent to exit first.
            var tampered = original
            tampered[tampered.count / 2] ^= 0xff
            let replacement = tampered
            let rewritten = try await onDedicatedThread { Self.overwriteInPlace(installed, with: replacement) }
            try #require(rewritten, "the agent file stayed busy")
            let third = try await MProxyChild.run(Self.exec(server, ["-v"], "echo", "fixed"))
            #expect(third.status == 0, "\(third.errorText)")
            #expect(third.outputText == "fixed\n")
            #expect(third.errorText.contains("missing or altered"), "\(third.errorText)")
            #expect(third.errorText.contains("mproxy: install "))
            #expect(try Data(contentsOf: URL(fileURLWithPath: installed)) == original)
        }
    }

    @Test("--agent FILE and MPROXY_AGENT: another binary is installed under its own hash and runs")
    func otherAgent() async throws {
        try await withTestSSHServer { server in
            // Stands in for the Go agent (no Go toolchain here): a byte-different agent.
            let copy = server.directory.appendingPathComponent("other-agent").path
            var bytes = try Data(contentsOf: URL(fileURLWithPath: MProxyChild.builtAgent))
            bytes.append(contentsOf: Array("mproxy-test: a different agent\n".utf8))
            try bytes.write(to: URL(fileURLWithPath: copy))
            chmod(copy, 0o755)
            let hash = String(
                decoding: try LocalProcess.run("/usr/bin/sha256sum", arguments: [copy]).standardOutput, as: UTF8.self
            ).prefix(64)

            let viaOption = try await MProxyChild.run(Self.exec(server, ["-v", "--agent", copy], "echo", "other"))
            #expect(viaOption.status == 0, "\(viaOption.errorText)")
            #expect(viaOption.outputText == "other\n")
            let remotePath = server.home + "/.cache/mproxy/agent/\(hash)/mproxy-agent"
            #expect(viaOption.errorText.contains("agent \(remotePath)"), "\(viaOption.errorText)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: remotePath)) == bytes)

            let viaEnvironment = try await MProxyChild.run(
                Self.exec(server, ["-v"], "echo", "env"), environment: ["MPROXY_AGENT": copy])
            #expect(viaEnvironment.outputText == "env\n")
            #expect(viaEnvironment.errorText.contains("agent \(remotePath)"))
            #expect(!viaEnvironment.errorText.contains("mproxy: install "))
            #expect(Self.installedAgents(server) == [String(hash)])
        }
    }

    @Test("sshd killed mid-command: exit 255 with the reason, and the remote command is gone")
    func serverKilledMidCommand() async throws {
        try await withTestSSHServer { server in
            let child = try MProxyChild(Self.exec(server, [], "sh", "-c", "echo $$; exec sleep 30"))
            let lines = try await onDedicatedThread { child.lines(1) }
            let remote = try #require(lines.first.flatMap { pid_t($0) })
            server.killConnections()
            let result = try await onDedicatedThread { child.wait() }
            #expect(result.status == 255)
            #expect(result.errorText.hasPrefix("mproxy: "), "\(result.errorText)")
            #expect(result.errorText.contains("connection"), "\(result.errorText)")
            #expect(try await onDedicatedThread { processVanishes(remote) }, "remote sleep \(remote) survived")
        }
    }

    @Test("sshd stalled (SIGSTOP) with ServerAliveInterval 1, CountMax 2: exit 255 with OpenSSH's timeout line")
    func serverStalledMidCommand() async throws {
        try await withTestSSHServer { server in
            let file = try server.writeConfiguration(
                named: "ssh_config-keepalive", adding: ["ServerAliveInterval 1", "ServerAliveCountMax 2"])
            let child = try MProxyChild(["exec", "-F", file, server.alias, "--", "sh", "-c", "echo $$; exec sleep 30"])
            let lines = try await onDedicatedThread { child.lines(1) }
            let remote = try #require(lines.first.flatMap { pid_t($0) })
            server.signalConnections(SIGSTOP)
            let result = try await onDedicatedThread { child.wait() }
            server.signalConnections(SIGCONT)
            #expect(result.status == 255)
            let errorLines = result.errorText.split(separator: "\n")
            #expect(errorLines.count == 1, "\(result.errorText)")
            #expect(
                result.errorText.hasPrefix(
                    "mproxy: Timeout, server 127.0.0.1 not responding (no answer to 2 keepalives"),
                "\(result.errorText)")
            #expect(try await onDedicatedThread { processVanishes(remote) }, "remote sleep \(remote) survived")
        }
    }

    @Test("--record, then replay --speed max prints the same bytes; the header names the remote agent")
    func recordAndReplay() async throws {
        try await withTestSSHServer { server in
            let recording = server.directory.appendingPathComponent("session.cbor").path
            let script = "echo start; head -c 200000 /dev/urandom; echo oops >&2; exit 3"
            let live = try await MProxyChild.run(Self.exec(server, ["--record", recording], "sh", "-c", script))
            #expect(live.status == 3)
            #expect(live.standardOutput.count == 200_006)
            let replayed = try await MProxyChild.run(["replay", "--speed", "max", recording])
            #expect(replayed.standardOutput == live.standardOutput)
            #expect(replayed.errorText.contains("oops"))
            let verified = try await MProxyChild.run(["replay", "--verify", recording])
            #expect(verified.status == 0, "\(verified.errorText)")

            let reader = try RecordingReader(path: recording)
            defer { reader.close() }
            let agentPath = try #require(try reader.next()?.record.header).agentPath
            #expect(agentPath.hasPrefix(server.home + "/.cache/mproxy/agent/"), "\(agentPath)")
            #expect(agentPath.hasSuffix("/mproxy-agent"))
        }
    }
}
