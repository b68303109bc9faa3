import ArgumentParser
import SystemPackage
import WorkspaceFS

/// `truncate -s SIZE PATH...`: SIZE in bytes, or with K, M, G (powers of 1024).
struct FSTruncateCommand: FSSubcommand {
    static let configuration = CommandConfiguration(commandName: "truncate", abstract: "Shrink or extend files.")

    @Option(name: .customShort("s"), help: "The new size: bytes, or with K, M, G.") var size: String
    @Flag(name: .customShort("c"), help: "Do not create missing files.") var noCreate = false
    @Argument(help: "The files.") var paths: [String]

    static func bytes(_ text: String) -> Int64? {
        let units: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        if let last = text.last, let unit = units[Character(last.uppercased())] {
            return Int64(text.dropLast()).map { $0 * unit }
        }
        return Int64(text)
    }

    func validate() throws {
        guard let bytes = Self.bytes(size), bytes >= 0 else { throw ValidationError("invalid number: '\(size)'") }
    }

    func run(in session: FSSession) async -> Int32 {
        let length = Self.bytes(size) ?? 0
        var status: Int32 = 0
        for path in paths {
            let remote = session.remote(path)
            do {
                if !noCreate, try await session.fileSystem.infoIfExists(forFileAt: remote) == nil {
                    try await session.fileSystem.openFile(forWritingAt: remote, options: [.create], permissions: 0o666)
                        .close()
                }
                try await session.fileSystem.truncateFile(at: remote, to: length)
            } catch {
                if noCreate, error.isRemote(.noSuchFileOrDirectory) { continue }
                session.report("truncate", "cannot open '\(path)' for writing", error)
                status = 1
            }
        }
        return status
    }
}
