// Every process the agent's command started, found through /proc: a process that left the
// command's group (setsid, a daemonizing double fork) is still a descendant of the agent, because
// the agent is a child subreaper and inherits orphans. Connection loss hangs all of them up.

import Glibc

/// The agent's live descendants, by walking the parent links in /proc.
enum ProcessTree {
    /// The pids of every live descendant of `root`, in no particular order.
    static func descendants(of root: pid_t) -> [pid_t] {
        var children: [pid_t: [pid_t]] = [:]
        guard let directory = opendir("/proc") else { return [] }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let pid = pid_t(name), let parent = parentPID(of: pid) else { continue }
            children[parent, default: []].append(pid)
        }
        closedir(directory)
        var found: [pid_t] = []
        var pending = children[root] ?? []
        while let pid = pending.popLast() {
            found.append(pid)
            pending += children[pid] ?? []
        }
        return found
    }

    /// Sends `signal` to every live descendant of the agent; returns how many there were.
    @discardableResult
    static func signalDescendants(_ signal: CInt) -> Int {
        let pids = descendants(of: getpid())
        for pid in pids { kill(pid, signal) }
        return pids.count
    }

    /// Field 4 of /proc/PID/stat, or nil for a zombie (dead, only waiting to be reaped, and with no
    /// children left). The command name (field 2) may contain spaces and parentheses, so parsing
    /// starts after its last ')'.
    private static func parentPID(of pid: pid_t) -> pid_t? {
        let descriptor = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0, let nameEnd = buffer[0..<count].lastIndex(of: UInt8(ascii: ")")) else { return nil }
        // ") S PPID ..."
        let fields = buffer[(nameEnd + 1)..<count].split(separator: UInt8(ascii: " "), maxSplits: 3)
        guard fields.count >= 2, fields[0].first != UInt8(ascii: "Z") else { return nil }
        return pid_t(String(decoding: fields[1], as: UTF8.self))
    }
}
