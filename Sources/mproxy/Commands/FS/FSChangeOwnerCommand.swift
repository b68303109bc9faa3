import ArgumentParser
import SystemPackage
import WorkspaceFS

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// `chown OWNER[:GROUP] PATH...`: numeric ids, or names of the remote's accounts.
struct FSChangeOwnerCommand: FSSubcommand {
    static let configuration = CommandConfiguration(commandName: "chown", abstract: "Change owner and group.")

    @Argument(help: "OWNER, OWNER:GROUP or :GROUP; names or numbers of the remote's accounts.") var owner: String
    @Argument(help: "The files.") var paths: [String]

    private func resolve(_ text: Substring, user: Bool, in session: FSSession) -> UInt32?? {
        if text.isEmpty { return .some(nil) }
        if let number = UInt32(text) { return number }
        // An unknown name is an error (nil), not "leave it unchanged" (.some(nil)).
        guard let id = user ? session.userID(named: String(text)) : session.groupID(named: String(text)) else {
            return nil
        }
        return .some(id)
    }

    func run(in session: FSSession) async -> Int32 {
        await session.loadAccounts()
        let parts = owner.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let uid = resolve(parts[0], user: true, in: session),
            let gid = parts.count > 1 ? resolve(parts[1], user: false, in: session) : .some(nil)
        else {
            session.report("chown", "invalid user: '\(owner)'")
            return 1
        }
        var status: Int32 = 0
        for path in paths {
            do {
                try await session.fileSystem.setOwner(uid: uid, gid: gid, at: session.remote(path))
            } catch {
                session.report(
                    "chown",
                    error.isRemote(.noSuchFileOrDirectory)
                        ? "cannot access '\(path)'" : "changing ownership of '\(path)'", error)
                status = 1
            }
        }
        return status
    }
}
