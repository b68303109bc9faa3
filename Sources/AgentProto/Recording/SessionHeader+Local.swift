#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension SessionHeader {
    /// A header describing this process: its user name ("unknown" when it has none, as Go writes),
    /// its pid and the current time.
    ///
    /// - Parameters:
    ///   - version: the mproxy version string.
    ///   - backendType: the transport: "ssh", "openssh" or "local".
    ///   - backendAddress: where it connects, such as `host:22`.
    ///   - agentPath: the agent's path on the remote.
    public static func local(
        version: String, backendType: String, backendAddress: String = "", agentPath: String = ""
    ) -> SessionHeader {
        SessionHeader(
            version: version,
            startTime: UnixTime.nanoseconds(),
            localUser: currentUserName(),
            localPID: Int(getpid()),
            backendType: backendType,
            backendAddress: backendAddress,
            agentPath: agentPath
        )
    }

    private static func currentUserName() -> String {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var storage = [CChar](repeating: 0, count: 4096)
        let status = getpwuid_r(geteuid(), &entry, &storage, storage.count, &result)
        guard status == 0, result != nil, let name = entry.pw_name else { return "unknown" }
        return String(cString: name)
    }
}
