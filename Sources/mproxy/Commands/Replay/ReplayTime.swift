import ArgumentParser

/// A point in a recording given on the command line: an offset from the session's start
/// (`90`, `1m30s`, `1h2m3.5s`, `500ms`, `1:30`, `01:02:03`) or an absolute time (`@1747742400.5`
/// in Unix seconds, or ISO 8601 such as `2025-05-20T12:00:00Z`; no zone means UTC).
enum ReplayTime: ExpressibleByArgument, Equatable {
    /// Nanoseconds after the session's start.
    case offset(Int64)
    /// Unix nanoseconds.
    case absolute(Int64)

    init?(argument: String) {
        let text = argument.trimmingSpaces()
        if text.hasPrefix("@") {
            guard let seconds = Double(text.dropFirst()), seconds.isFinite else { return nil }
            self = .absolute(Int64(seconds * 1e9))
        } else if let absolute = Self.parseISO8601(text) {
            self = .absolute(absolute)
        } else if let offset = Self.parseOffset(text) {
            self = .offset(offset)
        } else {
            return nil
        }
    }

    /// Unix nanoseconds, counting offsets from `origin`.
    func resolved(origin: Int64) -> Int64 {
        switch self {
        case .offset(let nanoseconds): origin + nanoseconds
        case .absolute(let nanoseconds): nanoseconds
        }
    }

    /// `90`, `90.5`, `1h2m3.5s`, `250ms`, `1:30`, `1:02:03.5`.
    static func parseOffset(_ text: String) -> Int64? {
        guard !text.isEmpty else { return nil }
        if let seconds = Double(text) {
            return seconds >= 0 && seconds.isFinite ? Int64(seconds * 1e9) : nil
        }
        if text.contains(":") {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 3, let last = Double(parts.last!), last >= 0 else { return nil }
            var total = last
            for (power, part) in parts.dropLast().reversed().enumerated() {
                guard let value = Int(part), value >= 0 else { return nil }
                total += Double(value) * (power == 0 ? 60 : 3600)
            }
            return Int64(total * 1e9)
        }
        var total = 0.0
        var number = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character.isNumber || character == "." {
                number.append(character)
                index = text.index(after: index)
                continue
            }
            var unit = String(character)
            index = text.index(after: index)
            if unit == "m", index < text.endIndex, text[index] == "s" {
                unit = "ms"
                index = text.index(after: index)
            }
            guard let value = Double(number), let scale = ["h": 3600.0, "m": 60, "s": 1, "ms": 0.001][unit] else {
                return nil
            }
            total += value * scale
            number = ""
        }
        guard number.isEmpty else { return nil }
        return Int64(total * 1e9)
    }

    /// `YYYY-MM-DD[T| ]HH:MM[:SS[.fff]][Z|±HH:MM]`, UTC when no zone is given.
    static func parseISO8601(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 16, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "), bytes[13] == UInt8(ascii: ":")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            return Int(String(decoding: bytes[range], as: UTF8.self))
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), (1...12).contains(month), (1...31).contains(day),
            hour < 24, minute < 60
        else { return nil }
        var position = 16
        var seconds = 0.0
        if position < bytes.count, bytes[position] == UInt8(ascii: ":") {
            var end = position + 1
            while end < bytes.count, bytes[end] == UInt8(ascii: ".") || (bytes[end] >= 0x30 && bytes[end] <= 0x39) {
                end += 1
            }
            guard let value = Double(String(decoding: bytes[(position + 1)..<end], as: UTF8.self)), value < 61 else {
                return nil
            }
            seconds = value
            position = end
        }
        var zoneOffset = 0
        if position < bytes.count {
            let zone = String(decoding: bytes[position...], as: UTF8.self)
            if zone == "Z" {
                zoneOffset = 0
            } else if let sign = zone.first, sign == "+" || sign == "-", zone.count == 6,
                let hours = Int(zone.dropFirst().prefix(2)),
                let minutes = Int(zone.suffix(2))
            {
                zoneOffset = (sign == "+" ? 1 : -1) * (hours * 3600 + minutes * 60)
            } else {
                return nil
            }
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        let whole = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 - zoneOffset)
        return whole * 1_000_000_000 + Int64(seconds * 1e9)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

extension String {
    /// The string without leading and trailing spaces.
    func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
