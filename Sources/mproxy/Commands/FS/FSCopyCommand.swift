import ArgumentParser
import Synchronization
import SystemPackage
import WorkspaceFS

/// `cp [-r] SOURCE DESTINATION`: copies on the remote side (through this client).
struct FSCopyCommand: FSSubcommand {
    static let configuration = CommandConfiguration(commandName: "cp", abstract: "Copy remote files to remote files.")

    @Flag(name: [.customShort("r"), .customShort("R")], help: "Copy directories recursively.") var recursive = false
    @Flag(name: .customShort("q"), help: "No progress output.") var quiet = false
    @Argument(help: "Source, then destination.") var paths: [String]

    func validate() throws {
        guard paths.count == 2 else { throw ValidationError("give one source and one destination") }
    }

    func run(in session: FSSession) async -> Int32 {
        let source = session.remote(paths[0])
        var destination = session.remote(paths[1])
        let meter = session.isQuiet || quiet ? nil : FSProgressMeter()
        defer { meter?.finish() }
        do {
            let info = try await session.fileSystem.info(forFileAt: source)
            if let existing = try await session.fileSystem.infoIfExists(forFileAt: destination), existing.isDirectory {
                destination = RemotePath.join(destination, RemotePath.baseName(source))
            }
            guard info.isDirectory else {
                try await copy(source, to: destination, size: info.size, meter: meter, in: session)
                return 0
            }
            guard recursive else {
                session.report("cp", "-r not specified; omitting directory '\(paths[0])'")
                return 1
            }
            try await session.fileSystem.createDirectory(at: destination, permissions: info.permissions)
            for entry in try await session.fileSystem.walk(at: source) {
                guard let entryInfo = entry.info else { continue }
                let target = RemotePath.join(destination, entry.relativePath)
                switch entryInfo.type {
                case .directory:
                    try await session.fileSystem.createDirectory(at: target, permissions: entryInfo.permissions)
                case .symbolicLink:
                    let link = try await session.fileSystem.destinationOfSymbolicLink(at: entry.path)
                    try await session.fileSystem.createSymbolicLink(at: target, withDestination: link)
                default:
                    try await copy(entry.path, to: target, size: entryInfo.size, meter: meter, in: session)
                }
            }
            return 0
        } catch {
            meter?.clearLine()
            session.report("cp", "cannot copy '\(paths[0])'", error)
            return 1
        }
    }

    private func copy(
        _ source: String, to destination: String, size: Int64, meter: FSProgressMeter?, in session: FSSession
    )
        async throws(WorkspaceFSError)
    {
        meter?.record(.started(path: destination, size: size, alreadyDone: 0))
        let previous = Counter()
        try await session.fileSystem.copyFile(at: source, to: destination) { done in
            meter?.record(.advanced(path: destination, bytes: previous.advance(to: done)))
        }
        meter?.record(.finished(path: destination))
    }
}

/// Turns running totals into increments for the progress meter.
private final class Counter: Sendable {
    private let last = Mutex<Int64>(0)

    func advance(to total: Int64) -> Int64 {
        last.withLock { last in
            defer { last = total }
            return total - last
        }
    }
}
