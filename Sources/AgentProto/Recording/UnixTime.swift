#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Wall-clock time as recordings store it: nanoseconds since the Unix epoch.
public enum UnixTime {
    /// The current time in Unix nanoseconds (`CLOCK_REALTIME`, as Go's `time.Now().UnixNano()`).
    public static func nanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}
