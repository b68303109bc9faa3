import ArgumentParser
import SystemPackage
import WorkspaceFS

/// `mkdir [-p] [-m MODE] PATH...`.
struct FSMakeDirectoryCommand: FSSubcommand {
    static let configuration = CommandConfiguration(commandName: "mkdir", abstract: "Make directories.")

    @Flag(name: .customShort("p"), help: "Make parents as needed; no error if it exists.") var parents = false
    @Option(name: .customShort("m"), help: "Permission bits, octal (umask applies).") var mode: String?
    @Argument(help: "The directories.") var paths: [String]

    func run(in session: FSSession) async -> Int32 {
        let permissions = mode.flatMap { UInt32($0, radix: 8) } ?? 0o777
        var status: Int32 = 0
        for path in paths {
            do {
                try await session.fileSystem.createDirectory(
                    at: session.remote(path), withIntermediateDirectories: parents, permissions: permissions)
            } catch {
                session.report("mkdir", "cannot create directory '\(path)'", error)
                status = 1
            }
        }
        return status
    }
}
