extension SSHConnection {
    /// Writes `bytes` to `path` on the remote host atomically: into a temporary file beside it
    /// (created under umask 077, so never readable by others half-written), then `chmod` and
    /// `mv` over the final name. Missing directories are created.
    ///
    /// `path` may start with `~/` for the remote home directory.
    ///
    /// - Throws: ``SSHError`` `commandFailed` with the remote shell's error output.
    public func upload(bytes: [UInt8], to path: String, mode: UInt16 = 0o700) async throws(SSHError) {
        let script = Self.uploadScript(path: path, mode: mode)
        let result = try await run("sh -c " + ShellQuoting.quote(script), standardInput: bytes)
        guard result.status == .exited(0) else {
            throw SSHError(
                .commandFailed,
                "could not write \(path) on \(configuration.hostName) (\(result.status)): "
                    + "\(result.standardErrorText.trimmingTrailingNewlines); "
                    + "check the directory's permissions and free space"
            )
        }
    }

    /// The `sh` script `upload` runs: `umask 077; mkdir -p DIR && cat > TMP && chmod MODE TMP && mv -f TMP PATH`.
    static func uploadScript(path: String, mode: UInt16) -> String {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) }
        let target = remoteWord(path)
        let temporary = target + ".tmp.$$"
        var script = "umask 077; "
        if let directory, !directory.isEmpty, directory != "~" { script += "mkdir -p \(remoteWord(directory)) && " }
        script += "cat > \(temporary) && chmod \(String(mode, radix: 8)) \(temporary) && mv -f \(temporary) \(target)"
        script += " || { rm -f \(temporary); exit 1; }"
        return script
    }

    /// A path as one shell word, with a leading `~/` left for the remote shell to expand via `$HOME`.
    private static func remoteWord(_ path: String) -> String {
        if path.hasPrefix("~/") { return "\"$HOME\"/" + ShellQuoting.quote(String(path.dropFirst(2))) }
        return ShellQuoting.quote(path)
    }
}
