// The real `mproxy fs` against a throwaway loopback sshd with the real agent uploaded: every command
// and its errors, trees with odd names round-tripped, a 1 GiB file, interrupted transfers resumed,
// `--root` escapes, and the interactive shell on a pseudo-terminal. The server runs as the current
// user, so the test checks the "remote" files directly.

import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("mproxy fs over SSH", .serialized, .timeLimit(.minutes(3)))
struct FSOverSSHTests {
    /// A scratch directory holding `local/` and `remote/` sides.
    let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fsssh-\(UUID().uuidString)").path
        for side in ["local", "remote"] {
            try FileManager.default.createDirectory(atPath: directory + "/" + side, withIntermediateDirectories: true)
        }
    }

    func path(_ name: String) -> String { directory + "/" + name }

    /// Runs `mproxy fs -F CONFIG ALIAS ARGUMENTS...`.
    func fs(_ server: TestSSHServer, _ arguments: [String], input: String? = nil) throws -> MProxyProcess.Result {
        try MProxyProcess.run(
            ["fs", "-F", server.configurationFile, server.alias] + arguments, input: input.map { Array($0.utf8) })
    }

    /// Runs a bash script with `$MPROXY` set to `mproxy fs -F CONFIG ALIAS` and `$D` to the scratch
    /// directory: bash's `$'\351'` is the way to put bytes that are not UTF-8 into arguments.
    func bash(_ server: TestSSHServer, _ script: String) throws -> MProxyProcess.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [
            "-c", "set -e; MPROXY=(\"$0\" fs -q -F \"$1\" \"$2\"); D=\"$3\"; cd \"$D\"\n" + script,
            MProxyProcess.executable.path, server.configurationFile, server.alias, directory,
        ]
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let errorData = ConcurrentData()
        let reader = Thread { errorData.set(error.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorData.isSet { usleep(1000) }
        return MProxyProcess.Result(
            status: process.terminationStatus, standardOutput: [UInt8](outputData),
            standardError: [UInt8](errorData.value))
    }

    /// Every entry below `tree` with type, permissions, modification time (ns), link target and
    /// content checksum (which covers the size; a directory's size is the file system's business), one per line in name order: two trees are equal when these are.
    /// (A symlink's own times are left out: agentproto's Chtimes follows links.)
    func manifest(_ server: TestSSHServer, _ tree: String) throws -> String {
        let result = try bash(
            server,
            """
            cd "\(tree)"
            find . -mindepth 1 ! -type l -printf '%p|%y|%m|%T@\\n' | LC_ALL=C sort
            find . -type l -printf '%p -> %l|%T@\\n' | LC_ALL=C sort
            find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
            """)
        #expect(result.status == 0, "\(result.errorText)")
        return result.outputText
    }

    /// Expects equal manifests, naming the lines that differ.
    func expectSame(_ copy: String, _ original: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let copyLines = Set(copy.split(separator: "\n")).subtracting(original.split(separator: "\n"))
        let originalLines = Set(original.split(separator: "\n")).subtracting(copy.split(separator: "\n"))
        #expect(
            copy == original, "copy has \(copyLines.sorted()), original has \(originalLines.sorted())",
            sourceLocation: sourceLocation)
    }

    @Test("every command works and fails like coreutils")
    func commandsAndErrors() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withTestSSHServer { server in
            let remote = path("remote")
            #expect(try fs(server, ["mkdir", "-p", remote + "/dir/sub"]).status == 0)
            _ = FileManager.default.createFile(atPath: remote + "/dir/a.txt", contents: Data("hello\n".utf8))
            #expect(try fs(server, ["ln", "-s", "a.txt", remote + "/dir/link"]).status == 0)
            #expect(try fs(server, ["ls", remote + "/dir"]).outputText == "a.txt\nlink\nsub\n")
            #expect(try fs(server, ["cat", remote + "/dir/link"]).outputText == "hello\n")
            #expect(try fs(server, ["readlink", remote + "/dir/link"]).outputText == "a.txt\n")
            #expect(try fs(server, ["stat", remote + "/dir/a.txt"]).outputText.contains("Size: 6 "))
            #expect(try fs(server, ["touch", remote + "/dir/t"]).status == 0)
            #expect(try fs(server, ["truncate", "-s", "2K", remote + "/dir/t"]).status == 0)
            #expect(try FileManager.default.attributesOfItem(atPath: remote + "/dir/t")[.size] as? Int == 2048)
            #expect(try fs(server, ["chmod", "640", remote + "/dir/t"]).status == 0)
            #expect(
                try FileManager.default.attributesOfItem(atPath: remote + "/dir/t")[.posixPermissions] as? Int == 0o640)
            #expect(try fs(server, ["chown", "\(getuid()):\(getgid())", remote + "/dir/t"]).status == 0)
            // Names are the remote's accounts (its /etc/passwd and /etc/group), both ways.
            let user = try #require(getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) })
            let group = try #require(getgrgid(getgid()).map { String(cString: $0.pointee.gr_name) })
            #expect(try fs(server, ["chown", "\(user):\(group)", remote + "/dir/t"]).status == 0)
            #expect(try fs(server, ["ls", "-l", remote + "/dir/t"]).outputText.contains(" \(user) \(group) "))
            #expect(
                try fs(server, ["stat", remote + "/dir/t"]).outputText.contains(
                    "/" + String(repeating: " ", count: max(0, 8 - user.count)) + user + ")"))
            let unknown = try fs(server, ["chown", "no-such-user-here", remote + "/dir/t"])
            #expect(unknown.status == 1)
            #expect(unknown.errorText.hasSuffix("chown: invalid user: 'no-such-user-here'\n"), "\(unknown.errorText)")
            #expect(try fs(server, ["mv", remote + "/dir/t", remote + "/dir/u"]).status == 0)
            #expect(try fs(server, ["ln", remote + "/dir/u", remote + "/dir/hard"]).status == 0)
            #expect(try fs(server, ["cp", "-r", "-q", remote + "/dir", remote + "/copy"]).status == 0)
            #expect(FileManager.default.contents(atPath: remote + "/copy/a.txt") == Data("hello\n".utf8))
            #expect(try fs(server, ["find", remote + "/dir", "-name", "*.txt"]).outputText == remote + "/dir/a.txt\n")
            #expect(try fs(server, ["tree", remote + "/dir"]).outputText.hasSuffix("1 directory, 4 files\n"))
            #expect(try fs(server, ["du", "-s", remote + "/dir"]).outputText.hasSuffix("\t\(remote)/dir\n"))
            #expect(try fs(server, ["df", "-h", remote]).outputText.hasPrefix("Size"))
            #expect(try fs(server, ["pwd"]).outputText == NSHomeDirectory() + "\n")
            #expect(try fs(server, ["rm", remote + "/dir/hard", remote + "/dir/u"]).status == 0)
            #expect(try fs(server, ["rm", "-r", remote + "/copy"]).status == 0)
            #expect(!FileManager.default.fileExists(atPath: remote + "/copy"))

            let missing = remote + "/missing"
            let cases: [([String], Int32, String)] = [
                (["rm", "missing"], 1, "rm: cannot remove 'missing': No such file or directory\n"),
                (["rm", remote + "/dir"], 1, "rm: cannot remove '\(remote)/dir': Is a directory\n"),
                (["rmdir", remote + "/dir"], 1, "rmdir: failed to remove '\(remote)/dir': Directory not empty\n"),
                (["ls", missing], 2, "ls: cannot access '\(missing)': No such file or directory\n"),
                (["mkdir", remote + "/dir"], 1, "mkdir: cannot create directory '\(remote)/dir': File exists\n"),
                (["cat", remote + "/dir"], 1, "cat: \(remote)/dir: Is a directory\n"),
                (["cat", missing], 1, "cat: \(missing): No such file or directory\n"),
                (["stat", missing], 1, "stat: cannot statx '\(missing)': No such file or directory\n"),
                (["mv", missing, remote + "/x"], 1, "mv: cannot stat '\(missing)': No such file or directory\n"),
                (["touch", missing + "/x"], 1, "touch: cannot touch '\(missing)/x': No such file or directory\n"),
                (
                    ["ln", "-s", "x", remote + "/dir/link"], 1,
                    "ln: failed to create symbolic link '\(remote)/dir/link': File exists\n"
                ),
                (["get", remote + "/dir"], 1, "get: -r not specified; omitting directory '\(remote)/dir'\n"),
                (["frobnicate"], 2, "mproxy fs: unknown command 'frobnicate'; try 'help'\n"),
            ]
            for (arguments, status, message) in cases {
                let result = try fs(server, arguments)
                #expect(result.status == status, "\(arguments)")
                #expect(result.errorLines == message, "\(arguments)")
            }
            #expect(try fs(server, ["rm", "-f", missing]).status == 0)
            #expect(try fs(server, ["rmdir", remote + "/dir/sub"]).status == 0)
        }
    }

    @Test("2,000 small files and a tree with symlinks, empty directories and odd names survive put -r -p and get -r -p")
    func treeRoundTrip() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let source = path("local/tree")
        try FileManager.default.createDirectory(atPath: source + "/many", withIntermediateDirectories: true)
        var generator = SystemRandomNumberGenerator()
        for index in 0..<2000 {
            let bytes = (0..<(index % 700)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = FileManager.default.createFile(atPath: source + "/many/f\(index)", contents: Data(bytes))
        }
        try await withTestSSHServer { server in
            let made = try bash(
                server,
                """
                cd local/tree
                mkdir -p empty 'with space/inner' $'caf\\351' 'deep/er/still'
                printf 'latin' > $'caf\\351/\\351t\\351'
                printf 'newline' > $'new\\nline'
                printf 'spaced' > 'with space/a file'
                printf 'x' > 'odd'\\''quote'
                ln -s many/f1 rel-link; ln -s /nonexistent/target dangling; ln -s $'caf\\351' $'link\\351'
                chmod 600 many/f2; chmod 750 'with space'; chmod 4755 many/f3; chmod 1777 empty
                touch -d '2010-01-01 00:00:00.5' $'new\\nline' many/f4
                touch -h -d '2012-02-02 02:02:02.25' rel-link dangling
                find . -type d -exec touch -d '2020-05-05 05:05:05.55' {} +
                """)
            #expect(made.status == 0, "\(made.errorText)")
            let put = try fs(server, ["put", "-r", "-p", "-q", source, path("remote/tree")])
            #expect(put.status == 0, "\(put.errorText)")
            let original = try manifest(server, source)
            expectSame(try manifest(server, path("remote/tree")), original)
            let get = try fs(server, ["get", "-r", "-p", "-q", path("remote/tree"), path("local/back")])
            #expect(get.status == 0, "\(get.errorText)")
            expectSame(try manifest(server, path("local/back")), original)

            // Names that are not UTF-8: listed as raw bytes on a pipe, typed back through bash.
            let listed = try fs(server, ["ls", path("remote/tree")])
            #expect(listed.standardOutput.split(separator: 0x0A).contains(Array("caf".utf8) + [0xE9]))
            let byName = try bash(
                server,
                """
                "${MPROXY[@]}" cat "$D"/remote/tree/$'caf\\351/\\351t\\351'
                "${MPROXY[@]}" get "$D"/remote/tree/$'caf\\351/\\351t\\351' "$D"/local/$'\\351'
                cat local/$'\\351'
                "${MPROXY[@]}" rm "$D"/remote/tree/$'caf\\351/\\351t\\351' "$D"/remote/tree/$'link\\351'
                "${MPROXY[@]}" rmdir "$D"/remote/tree/$'caf\\351'
                "${MPROXY[@]}" ls "$D"/remote/tree/$'caf\\351' || echo " status $?"
                """)
            #expect(byName.outputText == "latinlatin status 2\n", "\(byName.errorText) \(byName.status)")
        }
    }

    @Test("a 1 GiB file round-trips with the same checksum")
    func gibibyteFile() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withTestSSHServer { server in
            let made = try bash(
                server,
                """
                truncate -s 1G local/big
                for offset in 0 1 77 512 1023; do
                    head -c 1048576 /dev/urandom | dd of=local/big bs=1M seek=$offset conv=notrunc status=none
                done
                printf tail >> local/big
                """)
            #expect(made.status == 0, "\(made.errorText)")
            let started = MProxyProcess.monotonicSeconds()
            #expect(try fs(server, ["put", "-q", path("local/big"), path("remote/big")]).status == 0)
            let putDone = MProxyProcess.monotonicSeconds()
            #expect(try fs(server, ["get", "-q", path("remote/big"), path("local/back")]).status == 0)
            print("1 GiB put \(putDone - started) s, get \(MProxyProcess.monotonicSeconds() - putDone) s")
            let sums = try bash(server, "sha256sum < local/big; sha256sum < remote/big; sha256sum < local/back")
            let lines = sums.outputText.split(separator: "\n")
            #expect(lines.count == 3 && Set(lines).count == 1, "\(sums.outputText)")
        }
    }

    /// Starts `arguments`, SIGKILLs it once `partial` holds at least 8 MiB, and waits for it.
    func killMidTransfer(_ server: TestSSHServer, _ arguments: [String], partial: String) throws {
        let process = Process()
        process.executableURL = MProxyProcess.executable
        process.arguments = ["fs", "-F", server.configurationFile, server.alias] + arguments
        process.standardInput = FileHandle.nullDevice
        try process.run()
        while (try? FileManager.default.attributesOfItem(atPath: partial)[.size] as? Int ?? 0) ?? 0 < 8 << 20,
            process.isRunning
        {
            usleep(1000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    @Test("mproxy exec hands argv bytes that are not UTF-8 to the remote program unchanged")
    func execArgumentsThatAreNotUTF8() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withTestSSHServer { server in
            let result = try bash(server, #""$0" exec -n -F "$1" "$2" -- printf '%s' $'caf\351' $'\n\xff'"#)
            #expect(result.status == 0, "\(result.errorText)")
            #expect(result.standardOutput == Array("caf".utf8) + [0xE9, 0x0A, 0xFF])
        }
    }

    @Test("a killed put or get leaves no file under the final name, and --resume completes it")
    func interruptedTransfersResume() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withTestSSHServer { server in
            let made = try bash(server, "head -c 268435456 /dev/urandom > local/data")
            #expect(made.status == 0)
            try killMidTransfer(
                server, ["put", "-q", path("local/data"), path("remote/data")],
                partial: path("remote/.data.mproxy-part"))
            #expect(!FileManager.default.fileExists(atPath: path("remote/data")))
            #expect(FileManager.default.fileExists(atPath: path("remote/.data.mproxy-part")))
            #expect(try fs(server, ["put", "--resume", "-q", path("local/data"), path("remote/data")]).status == 0)
            #expect(!FileManager.default.fileExists(atPath: path("remote/.data.mproxy-part")))

            try killMidTransfer(
                server, ["get", "-q", path("remote/data"), path("local/back")],
                partial: path("local/.back.mproxy-part"))
            #expect(!FileManager.default.fileExists(atPath: path("local/back")))
            #expect(try fs(server, ["get", "--resume", "-q", path("remote/data"), path("local/back")]).status == 0)
            #expect(!FileManager.default.fileExists(atPath: path("local/.back.mproxy-part")))
            let sums = try bash(server, "sha256sum < local/data; sha256sum < remote/data; sha256sum < local/back")
            let lines = sums.outputText.split(separator: "\n")
            #expect(lines.count == 3 && Set(lines).count == 1, "\(sums.outputText)")
        }
    }

    @Test("--root refuses .., absolute paths and symlinks that lead out")
    func rootEscapesRefused() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let root = path("remote")
        _ = FileManager.default.createFile(atPath: root + "/inside.txt", contents: Data("inside\n".utf8))
        _ = FileManager.default.createFile(atPath: path("secret"), contents: Data("secret\n".utf8))
        try FileManager.default.createSymbolicLink(atPath: root + "/out", withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: root + "/abs", withDestinationPath: path("secret"))
        try await withTestSSHServer { server in
            func confined(_ arguments: [String]) throws -> MProxyProcess.Result {
                try MProxyProcess.run(["fs", "--root", root, "-F", server.configurationFile, server.alias] + arguments)
            }
            #expect(try confined(["cat", "inside.txt"]).outputText == "inside\n")
            #expect(try confined(["cat", root + "/inside.txt"]).outputText == "inside\n")
            #expect(try confined(["pwd"]).outputText == root + "\n")
            for escape in ["../secret", path("secret"), "out/secret", "abs", "/etc/passwd"] {
                let result = try confined(["cat", escape])
                #expect(result.status == 1, "\(escape)")
                #expect(result.errorLines == "cat: \(escape): Permission denied\n", "\(escape)")
            }
            #expect(try confined(["put", "-q", path("secret"), "../stolen"]).status == 1)
            #expect(!FileManager.default.fileExists(atPath: path("stolen")))
            #expect(try confined(["rm", "out/secret"]).status == 1)
            #expect(FileManager.default.fileExists(atPath: path("secret")))
        }
    }

    @Test("the interactive shell on a terminal: cd, ls with quoted names, get, tab completion")
    func shellOnATerminal() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withTestSSHServer { server in
            let made = try bash(
                server,
                """
                mkdir -p remote/projects/alpha
                printf 'one\\n' > remote/projects/alpha/notes.txt
                printf 'latin\\n' > remote/projects/$'caf\\351'
                printf 'spaced\\n' > 'remote/projects/a b'
                """)
            #expect(made.status == 0)
            let terminal = try PseudoTerminalSession(["fs", "-F", server.configurationFile, server.alias])
            defer { terminal.terminate() }
            #expect(terminal.waitFor("> "))
            terminal.type("lcd \(path("local"))\r")
            terminal.type("cd \(path("remote/proj"))\t")
            #expect(terminal.waitFor("cd \(path("remote/projects/"))"))
            terminal.type("\r")
            #expect(terminal.waitFor("mproxy:\(path("remote/projects"))> "))
            terminal.type("ls\r")
            #expect(terminal.waitFor("'caf'$'\\351'"))
            #expect(terminal.waitFor("'a b'"))
            terminal.type("cd al\t")
            #expect(terminal.waitFor("cd alpha/"))
            terminal.type("\rget no\t\r")
            #expect(terminal.waitFor("get notes.txt"))
            terminal.type("cd ..\rget 'caf'$'\\351' latin\r")
            terminal.type("exit\r")
            #expect(terminal.waitForExit() == 0)
            #expect(FileManager.default.contents(atPath: path("local/notes.txt")) == Data("one\n".utf8))
            #expect(FileManager.default.contents(atPath: path("local/latin")) == Data("latin\n".utf8))
        }
    }
}

extension MProxyProcess.Result {
    /// Standard error without the warning a debug build's dynamically linked agent causes.
    var errorLines: String {
        errorText.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("mproxy: warning: ") }.joined(separator: "\n")
    }
}
