import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `mproxy fs local ...` against a scratch directory: output like coreutils, exit codes, messages.
@Suite("mproxy fs", .timeLimit(.minutes(1)))
struct FSCommandTests {
    let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fscli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/dir/sub", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: directory + "/dir/a.txt", contents: Data("hello\n".utf8))
        _ = FileManager.default.createFile(atPath: directory + "/dir/.hidden", contents: Data())
        try FileManager.default.createSymbolicLink(atPath: directory + "/dir/link", withDestinationPath: "a.txt")
    }

    func fs(_ arguments: String..., input: String? = nil) throws -> MProxyProcess.Result {
        try MProxyProcess.run(["fs", "local"] + arguments, input: input.map { Array($0.utf8) })
    }

    func path(_ name: String) -> String { directory + "/" + name }

    @Test func errorsLookLikeCoreutils() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cases: [([String], Int32, String)] = [
            (["rm", path("missing")], 1, "rm: cannot remove '\(path("missing"))': No such file or directory\n"),
            (["rm", path("dir")], 1, "rm: cannot remove '\(path("dir"))': Is a directory\n"),
            (["rmdir", path("dir")], 1, "rmdir: failed to remove '\(path("dir"))': Directory not empty\n"),
            (["ls", path("missing")], 2, "ls: cannot access '\(path("missing"))': No such file or directory\n"),
            (["mkdir", path("dir")], 1, "mkdir: cannot create directory '\(path("dir"))': File exists\n"),
            (["cat", path("dir")], 1, "cat: \(path("dir")): Is a directory\n"),
            (["stat", path("missing")], 1, "stat: cannot statx '\(path("missing"))': No such file or directory\n"),
            (
                ["ln", "-s", "x", path("dir/link")], 1,
                "ln: failed to create symbolic link '\(path("dir/link"))': File exists\n"
            ),
            (["readlink", path("dir/a.txt")], 1, ""),
            (
                ["mv", path("missing"), path("x")], 1,
                "mv: cannot stat '\(path("missing"))': No such file or directory\n"
            ),
            (
                ["touch", path("missing/x")], 1,
                "touch: cannot touch '\(path("missing/x"))': No such file or directory\n"
            ),
        ]
        for (arguments, status, message) in cases {
            let result = try MProxyProcess.run(["fs", "local"] + arguments)
            #expect(result.status == status, "\(arguments)")
            #expect(result.errorText == message, "\(arguments)")
        }
        #expect(try fs("rm", "-f", path("missing")).status == 0)
    }

    @Test func listings() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try fs("ls", path("dir")).outputText == "a.txt\nlink\nsub\n")
        #expect(try fs("ls", "-a", path("dir")).outputText == ".\n..\n.hidden\na.txt\nlink\nsub\n")
        let long = try fs("ls", "-l", path("dir")).outputText.split(separator: "\n")
        #expect(long.first?.hasPrefix("total ") == true)
        #expect(long[1].hasPrefix("-rw-") && long[1].hasSuffix(" a.txt"))
        #expect(long[2].hasPrefix("lrwxrwxrwx") && long[2].hasSuffix(" link -> a.txt"))
        #expect(long[3].hasPrefix("drwx") && long[3].hasSuffix(" sub"))
        let json = try fs("ls", "--json", path("dir")).outputText.split(separator: "\n")
        #expect(json.count == 3)
        let object = try JSONSerialization.jsonObject(with: Data(json[1].utf8)) as? [String: Any]
        #expect(object?["type"] as? String == "symlink" && object?["target"] as? String == "a.txt")
        #expect(
            try fs("find", path("dir"), "-type", "f").outputText == "\(path("dir/.hidden"))\n\(path("dir/a.txt"))\n")
        #expect(try fs("find", path("dir"), "-name", "*.txt").outputText == "\(path("dir/a.txt"))\n")
        #expect(
            try fs("tree", path("dir")).outputText.hasSuffix("├── link -> a.txt\n└── sub\n\n1 directory, 2 files\n"))
        #expect(try fs("cat", path("dir/a.txt"), path("dir/link")).outputText == "hello\nhello\n")
        #expect(try fs("readlink", path("dir/link")).outputText == "a.txt\n")
        #expect(try fs("stat", path("dir/a.txt")).outputText.contains("Size: 6 "))
        #expect(try fs("df", "-h", directory).outputText.hasPrefix("Size"))
        #expect(try fs("du", "-s", path("dir")).outputText.hasSuffix("\t\(path("dir"))\n"))
        #expect(try fs("pwd").outputText == FileManager.default.currentDirectoryPath + "\n")
    }

    @Test func changesAndTransfers() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try fs("mkdir", "-p", path("new/deep")).status == 0)
        #expect(try fs("touch", path("new/deep/t")).status == 0)
        #expect(try fs("truncate", "-s", "1K", path("new/deep/t")).status == 0)
        #expect(try FileManager.default.attributesOfItem(atPath: path("new/deep/t"))[.size] as? Int == 1024)
        #expect(try fs("chmod", "u=rwx,go=", path("new/deep/t")).status == 0)
        #expect(
            try FileManager.default.attributesOfItem(atPath: path("new/deep/t"))[.posixPermissions] as? Int == 0o700)
        #expect(try fs("chmod", "644", path("new/deep/t")).status == 0)
        #expect(try fs("chown", "\(getuid()):\(getgid())", path("new/deep/t")).status == 0)
        #expect(try fs("mv", path("new/deep/t"), path("new/moved")).status == 0)
        #expect(try fs("ln", path("new/moved"), path("new/hard")).status == 0)
        #expect(try fs("cp", "-r", "-q", path("dir"), path("copy")).status == 0)
        #expect(FileManager.default.contents(atPath: path("copy/a.txt")) == Data("hello\n".utf8))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: path("copy/link")) == "a.txt")
        #expect(try fs("put", "-r", "-p", path("dir"), path("up")).status == 0)
        #expect(try fs("get", "-r", path("up"), path("down")).status == 0)
        #expect(FileManager.default.contents(atPath: path("down/a.txt")) == Data("hello\n".utf8))
        #expect(try fs("get", path("dir")).errorText == "get: -r not specified; omitting directory '\(path("dir"))'\n")
        #expect(try fs("rm", "-r", path("new")).status == 0)
        #expect(!FileManager.default.fileExists(atPath: path("new")))
        #expect(try fs("rmdir", path("dir/sub")).status == 0)
    }

    @Test func shellReadsCommandsFromAPipe() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let script = "cd \(path("dir"))\npwd\nls\nlcd \(directory)\nlpwd\nget a.txt\n# a comment\ncat missing\nls\n"
        let result = try fs(input: script)
        #expect(result.outputText == "\(path("dir"))\na.txt\nlink\nsub\n\(directory)\n")
        #expect(result.errorText == "cat: missing: No such file or directory\n")
        #expect(result.status == 1)
        #expect(FileManager.default.contents(atPath: path("a.txt")) == Data("hello\n".utf8))
    }

    @Test func shellOnATerminalEditsCompletesAndRemembers() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let terminal = try PseudoTerminalSession(["fs", "local"])
        #expect(terminal.waitFor("> "))
        terminal.type("cd \(path("d"))\t")
        #expect(terminal.waitFor("cd \(path("dir/"))"))
        terminal.type("\r")
        terminal.type("cat a.t\t\r")
        #expect(terminal.waitFor("hello"))
        // History brings back "cat a.txt " (completion added the space); edit it into "cat link".
        terminal.type("\u{1B}[A\u{1B}[D\u{1B}[C" + String(repeating: "\u{7F}", count: 6) + "link\r")
        #expect(terminal.waitFor("cat link"))
        // A name with a space completes quoted, so it reads back as one word.
        _ = FileManager.default.createFile(atPath: path("dir/my notes"), contents: Data("spaced\n".utf8))
        terminal.type("cat my\t\r")
        #expect(terminal.waitFor("cat 'my notes'"))
        #expect(terminal.waitFor("spaced"))
        terminal.type("exit\r")
        #expect(terminal.waitForExit() == 0)
        #expect(terminal.screen.components(separatedBy: "hello\r\n").count == 3)  // cat a.txt, then cat link
    }

    @Test func findAndTreeShowUnusualNamesSafelyOnATerminalAndRawInAPipe() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A newline, an escape sequence that would turn the terminal red, and a byte that is not UTF-8.
        for name in [Array("new\nline".utf8), Array("\u{1B}[31mred".utf8), Array("caf".utf8) + [0xE9]] {
            let bytes = Array(path("dir/sub/").utf8) + name + [0]
            let descriptor = bytes.withUnsafeBytes {
                open($0.baseAddress!.assumingMemoryBound(to: CChar.self), O_CREAT | O_WRONLY, 0o644)
            }
            try #require(descriptor >= 0)
            close(descriptor)
        }

        let piped = try fs("find", path("dir/sub")).standardOutput
        func printed(_ line: [UInt8]) -> Bool {
            piped.indices.contains { piped[$0...].starts(with: line) }
        }
        #expect(printed(Array("/new\nline\n".utf8)))
        #expect(printed(Array("/\u{1B}[31mred\n".utf8)))
        #expect(printed(Array("/caf".utf8) + [0xE9, 0x0A]))

        for command in ["find", "tree"] {
            let terminal = try PseudoTerminalSession(["fs", "local", command, path("dir/sub")])
            #expect(terminal.waitForExit() == 0)
            #expect(terminal.screen.contains("new?line"), "\(command)")
            #expect(terminal.screen.contains("?[31mred"), "\(command)")
            #expect(terminal.screen.contains("caf?"), "\(command)")
            #expect(!terminal.screen.contains("\u{1B}[31m"), "\(command) let an escape sequence through")
        }
    }

    @Test func progressShowsOnATerminalOnly() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = FileManager.default.createFile(atPath: path("data"), contents: Data(count: 4 << 20))
        let terminal = try PseudoTerminalSession(["fs", "local", "get", path("data"), path("copy")])
        #expect(terminal.waitFor("1/1 files"))
        #expect(terminal.waitForExit() == 0)
        #expect(terminal.screen.contains("total 4.0M/4.0M"))
        let piped = try fs("get", path("data"), path("again"))
        #expect(piped.status == 0 && piped.errorText.isEmpty)
    }

    @Test func rootConfinesTheSession() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createSymbolicLink(atPath: path("dir/out"), withDestinationPath: "../..")
        let inside = try MProxyProcess.run(["fs", "--root", path("dir"), "local", "cat", "a.txt"])
        #expect(inside.outputText == "hello\n")
        for escape in ["../dir/a.txt", "out/etc/passwd", "/etc/passwd"] {
            let result = try MProxyProcess.run(["fs", "--root", path("dir"), "local", "cat", escape])
            #expect(result.status == 1)
            #expect(result.errorText == "cat: \(escape): Permission denied\n")
        }
        #expect(try MProxyProcess.run(["fs", "--root", path("dir"), "local", "pwd"]).outputText == path("dir") + "\n")
    }

    @Test func interruptedPutLeavesNoPartialFileAndResumeCompletesIt() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var bytes = [UInt8](repeating: 0, count: 256 << 20)
        for index in stride(from: 0, to: bytes.count, by: 4096) {
            bytes[index] = UInt8(truncatingIfNeeded: index >> 12)
        }
        _ = FileManager.default.createFile(atPath: path("big"), contents: Data(bytes))
        let process = Process()
        process.executableURL = MProxyProcess.executable
        process.arguments = ["fs", "local", "put", "-q", path("big"), path("copy")]
        try process.run()
        let partial = path(".copy.mproxy-part")
        while (try? FileManager.default.attributesOfItem(atPath: partial)[.size] as? Int ?? 0) ?? 0 < 8 << 20,
            process.isRunning
        {
            usleep(1000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(!FileManager.default.fileExists(atPath: path("copy")))
        let resumed = try fs("put", "--resume", "-q", path("big"), path("copy"))
        #expect(resumed.status == 0)
        let isIntact = FileManager.default.contents(atPath: path("copy")) == Data(bytes)
        #expect(isIntact)
        #expect(!FileManager.default.fileExists(atPath: partial))
    }
}
