import ArgumentParser
import SystemPackage
import WorkspaceFS

/// `cat PATH...`: the files' bytes on standard output, several reads in flight per file.
struct FSCatCommand: FSSubcommand {
    static let configuration = CommandConfiguration(commandName: "cat", abstract: "Print files.")

    @Argument(help: "The files.") var paths: [String]

    func run(in session: FSSession) async -> Int32 {
        var status: Int32 = 0
        for path in paths {
            do {
                try await session.fileSystem.withFileHandle(forReadingAt: session.remote(path)) {
                    handle throws(WorkspaceFSError) in
                    var offset: Int64 = 0
                    while true {
                        let chunk = try await handle.readChunk(fromAbsoluteOffset: offset, length: 256 << 10)
                        if !chunk.bytes.isEmpty { try? StandardIO.writeStandardOutput(chunk.bytes) }
                        offset += Int64(chunk.bytes.count)
                        if chunk.isEndOfFile || chunk.bytes.isEmpty { break }
                    }
                }
            } catch {
                session.report("cat", path, error)
                status = 1
            }
        }
        return status
    }
}
