/// How replay prints times: UTC ISO 8601 with milliseconds, and durations like `1m30.250s`.
enum ReplayTimeFormat {
    /// `2025-05-20T12:00:00.123Z` for Unix nanoseconds.
    static func utc(_ nanoseconds: Int64) -> String {
        let seconds = nanoseconds >= 0 ? nanoseconds / 1_000_000_000 : (nanoseconds - 999_999_999) / 1_000_000_000
        let milliseconds = Int((nanoseconds - seconds * 1_000_000_000) / 1_000_000)
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let (year, month, day) = civil(fromDays: days)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(milliseconds, 3))Z"
    }

    /// `0.012s`, `1m30.250s`, `2h03m04.000s`.
    static func duration(_ nanoseconds: Int64) -> String {
        let negative = nanoseconds < 0
        let total = abs(nanoseconds) / 1_000_000
        let milliseconds = Int(total % 1000)
        let seconds = Int(total / 1000 % 60)
        let minutes = Int(total / 60_000 % 60)
        let hours = Int(total / 3_600_000)
        let sign = negative ? "-" : ""
        if hours > 0 { return "\(sign)\(hours)h\(pad(minutes, 2))m\(pad(seconds, 2)).\(pad(milliseconds, 3))s" }
        if minutes > 0 { return "\(sign)\(minutes)m\(pad(seconds, 2)).\(pad(milliseconds, 3))s" }
        return "\(sign)\(seconds).\(pad(milliseconds, 3))s"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// The date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
    private static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
