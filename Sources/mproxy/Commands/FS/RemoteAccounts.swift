import WorkspaceFS

/// The remote machine's user and group names, read once from its `/etc/passwd` and `/etc/group`
/// through the file service, so `ls -l` and `chown NAME` speak of the remote's accounts rather than
/// this machine's. Accounts that live only in a directory service (LDAP, SSSD) stay numbers, as
/// they do in `sftp`'s listings.
struct RemoteAccounts: Sendable {
    /// User names by uid (the first entry of each uid wins, as getpwuid's does).
    var userNames: [UInt32: String] = [:]
    /// Uids by user name.
    var userIDs: [String: UInt32] = [:]
    /// Group names by gid.
    var groupNames: [UInt32: String] = [:]
    /// Gids by group name.
    var groupIDs: [String: UInt32] = [:]

    /// Reads both files; one that cannot be read (confined by `--root`, missing) adds no names.
    static func load(from fileSystem: RemoteFileSystem) async -> RemoteAccounts {
        var accounts = RemoteAccounts()
        for (name, id) in await entries(ofFile: "/etc/passwd", in: fileSystem) {
            if accounts.userNames[id] == nil { accounts.userNames[id] = name }
            if accounts.userIDs[name] == nil { accounts.userIDs[name] = id }
        }
        for (name, id) in await entries(ofFile: "/etc/group", in: fileSystem) {
            if accounts.groupNames[id] == nil { accounts.groupNames[id] = name }
            if accounts.groupIDs[name] == nil { accounts.groupIDs[name] = id }
        }
        return accounts
    }

    /// `name:password:id:...` lines: the name and the third field. Comments, blank and malformed
    /// lines are skipped.
    static func entries(in text: String) -> [(name: String, id: UInt32)] {
        text.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let fields = line.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
            guard fields.count >= 3, !fields[0].isEmpty, let id = UInt32(fields[2]) else { return nil }
            return (String(fields[0]), id)
        }
    }

    private static func entries(ofFile path: String, in fileSystem: RemoteFileSystem) async -> [(
        name: String, id: UInt32
    )] {
        guard
            let bytes = try? await fileSystem.withFileHandle(
                forReadingAt: path,
                { handle throws(WorkspaceFSError) in
                    try await handle.readToEnd()
                })
        else { return [] }
        return entries(in: String(decoding: bytes, as: UTF8.self))
    }
}
