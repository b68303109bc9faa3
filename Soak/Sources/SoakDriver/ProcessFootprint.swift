import Foundation

/// What a set of processes holds at one moment: open descriptors and resident memory, read from
/// `/proc` (Linux only, which is all the soak runs on).
struct ProcessFootprint: Sendable, CustomStringConvertible {
    /// How many processes were measured.
    var processes: Int
    /// Their open file descriptors, summed.
    var descriptors: Int
    /// Their resident set sizes (`VmRSS`), summed, in KiB.
    var residentKiB: Int

    var description: String { "\(processes) process(es), \(descriptors) fds, \(residentKiB) KiB RSS" }

    /// The footprint of `pids` (processes that vanished in between count as nothing).
    static func measure(_ pids: [Int32]) -> ProcessFootprint {
        var footprint = ProcessFootprint(processes: 0, descriptors: 0, residentKiB: 0)
        for pid in pids {
            guard let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"),
                let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
            else { continue }
            footprint.processes += 1
            footprint.descriptors += descriptors.count
            footprint.residentKiB += residentKiB(inStatus: status)
        }
        return footprint
    }

    /// `VmRSS` from a `/proc/PID/status` text, in KiB (0 for a zombie, which has none).
    static func residentKiB(inStatus status: String) -> Int {
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        }
        return 0
    }

    /// Every live (not zombie) descendant of `root`, with its command name.
    static func descendants(of root: Int32) -> [(pid: Int32, name: String)] {
        var children: [Int32: [(Int32, String)]] = [:]
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
            else { continue }
            let name = String(stat[stat.index(after: open)..<close])
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, fields[0] != "Z", let parent = Int32(fields[1]) else { continue }
            children[parent, default: []].append((pid, name))
        }
        var result: [(pid: Int32, name: String)] = []
        var queue = [root]
        while let next = queue.popLast() {
            for (pid, name) in children[next] ?? [] {
                result.append((pid, name))
                queue.append(pid)
            }
        }
        return result
    }
}
