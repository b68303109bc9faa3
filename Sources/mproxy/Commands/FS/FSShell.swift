// `mproxy fs DESTINATION` without a command: a prompt with a remote and a local working directory.
// On a terminal it edits lines (FSLineEditor: history, tab completion of remote paths); on a pipe
// it reads one command per line, like `sftp -b`, and stops at the first failure.

import ArgumentParser
import WorkspaceFS

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The interactive shell.
struct FSShell {
    let session: FSSession

    func run() async -> Int32 {
        let isTerminal = isatty(STDIN_FILENO) == 1
        var editor = isTerminal ? FSLineEditor() : nil
        editor?.begin()
        defer { editor?.end() }
        var lastStatus: Int32 = 0
        while true {
            let line: String?
            if editor != nil {
                let prompt = "mproxy:\(session.remoteDirectory)> "
                line = await editor?.readLine(prompt: prompt) { await completions(for: $0) }
            } else {
                line = Swift.readLine(strippingNewline: true)
            }
            guard let line else { break }
            let words = FSShellWords.split(line)
            guard let first = words.first, !first.hasPrefix("#") else { continue }
            if first == "exit" || first == "quit" || first == "bye" { break }
            lastStatus = await execute(words)
            if !isTerminal && lastStatus != 0 { return lastStatus }
        }
        if isTerminal { session.write("\n") }
        return isTerminal ? 0 : lastStatus
    }

    /// Runs one shell line (already split into words).
    func execute(_ words: [String]) async -> Int32 {
        switch words[0] {
        case "cd":
            let target = session.remote(words.count > 1 ? words[1] : session.remoteDirectory)
            do {
                let info = try await session.fileSystem.info(forFileAt: target)
                guard info.isDirectory else {
                    session.report("cd", "\(words[1]): Not a directory")
                    return 1
                }
                session.remoteDirectory = RemotePath.normalize(target)
                return 0
            } catch {
                session.report("cd", words.count > 1 ? words[1] : target, error)
                return 1
            }
        case "lcd":
            let target = session.local(words.count > 1 ? words[1] : (getenv("HOME").map { String(cString: $0) } ?? "/"))
            guard (try? LocalFileSystem.status(of: target))?.isDirectory == true else {
                session.report("lcd", "\(target): No such directory")
                return 1
            }
            session.localDirectory = RemotePath.normalize(target)
            return 0
        case "lpwd":
            session.print(session.localDirectory)
            return 0
        case "help", "?":
            session.print(FSSubcommands.summary)
            session.print("cd        Change the remote directory.\nlcd       Change the local directory.")
            session.print("lpwd      Print the local directory.\nexit      Leave.")
            return 0
        default:
            return await FSSubcommands.run(words, in: session)
        }
    }

    /// Completions for the word being typed at the end of `line`: a command name for the first
    /// word, else remote paths.
    func completions(for line: String) async -> [String] {
        let words = FSShellWords.split(line)
        let typing = line.hasSuffix(" ") ? "" : (words.last ?? "")
        if words.count <= 1 && !line.hasSuffix(" ") {
            let names =
                FSSubcommands.all.compactMap { $0.configuration.commandName } + ["cd", "lcd", "lpwd", "exit", "help"]
            return names.filter { $0.hasPrefix(typing) }.sorted()
        }
        let directoryPart = typing.contains("/") ? String(typing[...typing.lastIndex(of: "/")!]) : ""
        let namePrefix = String(typing.dropFirst(directoryPart.count))
        let directory = session.remote(directoryPart.isEmpty ? "." : directoryPart)
        guard let entries = try? await session.fileSystem.contentsOfDirectory(at: directory) else { return [] }
        return entries.filter {
            $0.name.hasPrefix(namePrefix) && (namePrefix.hasPrefix(".") || !$0.name.hasPrefix("."))
        }
        .map { directoryPart + $0.name + ($0.isDirectory ? "/" : "") }
    }
}
