// How `mproxy fs` prints sizes, dates and entries: like coreutils for people, JSON Lines for scripts.

import AgentProto
import WorkspaceFS

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

enum FSFormat {
    /// A size as `ls -h` and `df -h` print it: bytes below 1024, else one decimal below 10 and whole
    /// numbers above, rounded up, with K, M, G, T, P, E.
    static func humanSize(_ bytes: Int64) -> String {
        guard bytes >= 1024 else { return String(bytes) }
        let units = ["K", "M", "G", "T", "P", "E"]
        var value = Double(bytes)
        var unit = -1
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if value < 10 {
            let rounded = (value * 10).rounded(.up) / 10
            if rounded < 10 { return formatOneDecimal(rounded) + units[unit] }
            value = rounded
        }
        let whole = value.rounded(.up)
        if whole >= 1024, unit < units.count - 1 { return "1.0" + units[unit + 1] }
        return String(Int(whole)) + units[unit]
    }

    private static func formatOneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// A modification time as `ls -l` prints it: `Mon DD HH:MM` within six months, else `Mon DD  YYYY`.
    static func listingDate(_ nanoseconds: Int64) -> String {
        var seconds = time_t(nanoseconds / 1_000_000_000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        let now = time(nil)
        let recent = abs(Int(now) - Int(seconds)) < 182 * 24 * 3600
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, recent ? "%b %e %H:%M" : "%b %e  %Y", &parts)
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A time as `stat` prints it: `2024-05-01 12:00:00.123456789 +0000`.
    static func fullDate(_ nanoseconds: Int64) -> String {
        var seconds = time_t(nanoseconds / 1_000_000_000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        var count = strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M:%S", &parts)
        let head = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        count = strftime(&buffer, buffer.count, "%z", &parts)
        let zone = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let fraction = String(nanoseconds % 1_000_000_000)
        return "\(head).\(String(repeating: "0", count: 9 - fraction.count))\(fraction) \(zone)"
    }

    /// One entry as a JSON object (the `--json` form of every listing command).
    static func json(_ info: RemoteFileInfo, path: String, target: String? = nil) -> JSONValue {
        var members = [
            JSONMember("path", .string(path)),
            JSONMember("name", .string(info.name)),
            JSONMember("type", .string(info.type.rawValue)),
            JSONMember("size", .number(String(info.size))),
            JSONMember("mode", .string(info.modeDescription)),
            JSONMember("permissions", .number(String(info.permissions))),
            JSONMember("uid", .number(String(info.uid))),
            JSONMember("gid", .number(String(info.gid))),
            JSONMember("links", .number(String(info.linkCount))),
            JSONMember("mtime_ns", .number(String(info.modificationTime))),
            JSONMember("atime_ns", .number(String(info.accessTime))),
        ]
        if let target { members.append(JSONMember("target", .string(target))) }
        return .object(members)
    }

    /// Right-aligns `text` in `width` columns.
    static func padLeft(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    /// Left-aligns `text` in `width` columns.
    static func padRight(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}
