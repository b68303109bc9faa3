import ArgumentParser
import SystemPackage
import WorkspaceFS

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// `touch [-c] PATH...`: creates missing files and sets both times to now.
struct FSTouchCommand: FSSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "touch", abstract: "Create files or update their times.")

    @Flag(name: .customShort("c"), help: "Do not create missing files.") var noCreate = false
    @Argument(help: "The files.") var paths: [String]

    func run(in session: FSSession) async -> Int32 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let nanoseconds = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
        var status: Int32 = 0
        for path in paths {
            let remote = session.remote(path)
            do {
                if try await session.fileSystem.infoIfExists(forFileAt: remote) == nil {
                    if noCreate { continue }
                    let handle = try await session.fileSystem.openFile(
                        forWritingAt: remote, options: [.create], permissions: 0o666)
                    try await handle.close()
                }
                try await session.fileSystem.setTimes(access: nanoseconds, modification: nanoseconds, at: remote)
            } catch {
                session.report("touch", "cannot touch '\(path)'", error)
                status = 1
            }
        }
        return status
    }
}
