// PATH enumeration mode (Go `pathstub.EnumerateLocally`): every executable on the given directories
// or the agent's $PATH, in PATH order, names sorted within a directory, first occurrence wins.

import AgentProto
import Glibc

/// Lists the executables a PATH makes reachable.
enum PathEnumeration {
    /// The entries for `query`: its directories, or the agent's `$PATH` when it names none.
    static func entries(for query: PathQuery) -> [PathInfoEntry] {
        var directories = query.directories
        if directories.isEmpty, let own = getenv("PATH") {
            directories = String(cString: own).split(separator: ":").map(String.init)
        }
        var seen: Set<String> = []
        var entries: [PathInfoEntry] = []
        for directory in directories where !directory.isEmpty {
            guard let stream = opendir(directory) else { continue }
            var names: [String] = []
            while let entry = readdir(stream) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(stream)
            for name in names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) where !seen.contains(name) {
                let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
                var status = stat()
                // stat follows symlinks; broken links, non-regular files and files nobody may
                // execute are skipped (no access check for this user, as in Go).
                guard fstatat(AT_FDCWD, path, &status, 0) == 0, status.st_mode & S_IFMT == S_IFREG,
                    status.st_mode & 0o111 != 0
                else { continue }
                seen.insert(name)
                entries.append(
                    PathInfoEntry(
                        name: name,
                        path: path,
                        mode: UInt32(status.st_mode & 0o777),
                        size: Int64(status.st_size),
                        modificationTime: Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
                    ))
            }
        }
        return entries
    }
}
