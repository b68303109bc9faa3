// One `mproxy fs` session: the remote file system, the remote and local working directories the
// interactive shell moves, and how commands report (coreutils-style messages, exit codes).

import AgentProto
import WorkspaceFS

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The state every `mproxy fs` command runs in.
final class FSSession {
    /// The remote file system.
    let fileSystem: RemoteFileSystem
    /// Where relative remote paths resolve (starts at the agent's working directory).
    var remoteDirectory: String
    /// Where relative local paths resolve (starts at this process's working directory).
    var localDirectory: String
    /// No progress output (`-q`, or stderr is not a terminal).
    var isQuiet: Bool
    /// Whether remote uids may be named with this machine's user database (the `local` destination).
    let namesOwnersLocally: Bool
    /// The remote's user and group names, once ``loadAccounts()`` read them.
    private var accounts: RemoteAccounts?

    init(fileSystem: RemoteFileSystem, remoteDirectory: String, isQuiet: Bool, namesOwnersLocally: Bool) {
        self.fileSystem = fileSystem
        self.remoteDirectory = remoteDirectory
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        localDirectory =
            getcwd(&buffer, buffer.count) != nil
            ? PathBytes.string(from: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }) : "."
        self.isQuiet = isQuiet
        self.namesOwnersLocally = namesOwnersLocally
    }

    /// `path` resolved against the remote working directory.
    func remote(_ path: String) -> String { RemotePath.resolve(path, against: remoteDirectory) }

    /// `path` resolved against the local working directory.
    func local(_ path: String) -> String { RemotePath.resolve(path, against: localDirectory) }

    /// A file name as `ls` shows it: quoted for the shell (`'a b'`, `'caf'$'\\351'`) when standard
    /// output is a terminal, else its raw bytes.
    func displayName(_ name: String) -> String {
        isatty(STDOUT_FILENO) == 1 ? FSShellWords.quoteLikeListing(name) : name
    }

    /// A path as `find` and `tree` show it: control characters and bytes that are not UTF-8 as `?`
    /// when standard output is a terminal, else its raw bytes.
    func terminalSafeName(_ path: String) -> String {
        isatty(STDOUT_FILENO) == 1 ? FSShellWords.questionMarked(path) : path
    }

    /// Writes `text` to standard output.
    func write(_ text: String) {
        try? StandardIO.writeStandardOutput(text)
    }

    /// Writes one line to standard output.
    func print(_ line: String) { write(line + "\n") }

    /// Writes a JSON value as one line.
    func printJSON(_ value: JSONValue) { print(JSONWriter.text(of: value)) }

    /// Reports a failure the way coreutils does: `TOOL: WHAT: REASON` on standard error.
    func report(_ tool: String, _ what: String, _ error: WorkspaceFSError) {
        StandardIO.writeStandardError("\(tool): \(what): \(error.reason)")
    }

    /// Reports a failure without an error value.
    func report(_ tool: String, _ message: String) {
        StandardIO.writeStandardError("\(tool): \(message)")
    }

    /// Reads the remote's account names, once, before they are needed (``ownerName(_:)``,
    /// ``userID(named:)``); the local destination asks this machine's user database instead.
    func loadAccounts() async {
        guard !namesOwnersLocally, accounts == nil else { return }
        accounts = await RemoteAccounts.load(from: fileSystem)
    }

    /// The owner's name as `ls` shows it, or the number when the remote does not name it.
    func ownerName(_ uid: UInt32) -> String {
        if namesOwnersLocally, let entry = getpwuid(uid), let name = entry.pointee.pw_name {
            return String(cString: name)
        }
        return accounts?.userNames[uid] ?? String(uid)
    }

    /// The group's name as `ls` shows it, or the number.
    func groupName(_ gid: UInt32) -> String {
        if namesOwnersLocally, let entry = getgrgid(gid), let name = entry.pointee.gr_name {
            return String(cString: name)
        }
        return accounts?.groupNames[gid] ?? String(gid)
    }

    /// The uid of the user `name` on the remote (after ``loadAccounts()``).
    func userID(named name: String) -> UInt32? {
        if namesOwnersLocally { return getpwnam(name).map { $0.pointee.pw_uid } }
        return accounts?.userIDs[name]
    }

    /// The gid of the group `name` on the remote (after ``loadAccounts()``).
    func groupID(named name: String) -> UInt32? {
        if namesOwnersLocally { return getgrnam(name).map { $0.pointee.gr_gid } }
        return accounts?.groupIDs[name]
    }
}
