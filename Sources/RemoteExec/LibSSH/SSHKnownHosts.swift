import CLibSSH

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The host key policy: known keys pass, unknown keys are added only when the configuration allows
/// it (`StrictHostKeyChecking accept-new` or `no`, or `--accept-new`), and a changed key is always
/// refused.
enum SSHKnownHosts {
    /// Checks the server's key of a connected `session` against its known_hosts files.
    ///
    /// - Parameter destination: the destination as the user typed it, for the command that accepts it.
    /// - Throws: ``SSHError`` `hostKeyUnknown` with the SHA256 fingerprint and the exact command that
    ///   accepts it, or `hostKeyChanged` with both fingerprints and the `ssh-keygen -R` command.
    static func verify(_ session: SSHSession, destination: String) throws(SSHError) {
        let configuration = session.configuration
        let serverKey = try serverKeyDescription(session)
        let state = try session.withKnownHostsName { ssh_session_is_known_server(session.handle) }
        let knownHostsFile = configuration.userKnownHostsFiles.first ?? "~/.ssh/known_hosts"
        let hostEntry = configuration.knownHostsName
        switch state {
        case SSH_KNOWN_HOSTS_OK:
            return
        case SSH_KNOWN_HOSTS_CHANGED, SSH_KNOWN_HOSTS_OTHER:
            let known = knownKeyDescriptions(hostEntry: hostEntry, files: configuration.userKnownHostsFiles)
                .joined(separator: " and ")
            throw SSHError(
                .hostKeyChanged,
                """
                the host key of \(hostEntry) has CHANGED: known_hosts (\(knownHostsFile)) has \(known), \
                the server now offers \(serverKey). Someone may be intercepting the connection, or the host \
                was reinstalled. If you know why it changed, remove the old key with \
                `ssh-keygen -f \(ShellQuoting.quote(knownHostsFile)) -R '\(hostEntry)'` and connect again.
                """)
        case SSH_KNOWN_HOSTS_UNKNOWN, SSH_KNOWN_HOSTS_NOT_FOUND:
            switch configuration.strictHostKeyChecking {
            case .acceptNew, .no:
                let result = try session.withKnownHostsName { ssh_session_update_known_hosts(session.handle) }
                guard result == SSH_OK else {
                    throw session.error(
                        .hostKeyUnknown,
                        "could not add the host key of \(hostEntry) (\(serverKey)) to \(knownHostsFile); "
                            + "check that the file and its directory are writable", returnCode: result)
                }
            case .yes, .ask:
                var command = "mproxy exec --accept-new"
                if let file = configuration.configurationFile { command += " -F \(ShellQuoting.quote(file))" }
                command += " \(destination) -- true"
                throw SSHError(
                    .hostKeyUnknown,
                    """
                    the host \(hostEntry) is not in known_hosts (\(knownHostsFile)); it offers \(serverKey). \
                    If that fingerprint is right, accept it with `\(command)` \
                    (or set `StrictHostKeyChecking accept-new` for this host in ssh_config).
                    """)
            }
        default:
            throw session.error(
                .connectionFailed, "could not check the host key of \(hostEntry) against \(knownHostsFile)",
                returnCode: state.rawValue)
        }
    }

    /// `ED25519 key SHA256:…` for the key the server presented.
    private static func serverKeyDescription(_ session: SSHSession) throws(SSHError) -> String {
        var key: ssh_key?
        let result = ssh_get_server_publickey(session.handle, &key)
        guard result == SSH_OK, let key else {
            throw session.error(.connectionFailed, "the server presented no host key", returnCode: result)
        }
        defer { ssh_key_free(key) }
        return describe(key)
    }

    /// The keys known_hosts holds for `hostEntry` (libssh does not return the entry of a changed
    /// key, so the files are read here, with libssh's line parser for hashed names).
    private static func knownKeyDescriptions(hostEntry: String, files: [String]) -> [String] {
        var descriptions: [String] = []
        for file in files {
            guard let stream = fopen(file, "r") else { continue }
            defer { fclose(stream) }
            var line: UnsafeMutablePointer<CChar>?
            var capacity = 0
            defer { free(line) }
            while getline(&line, &capacity, stream) > 0, let line {
                // libssh's parser takes the line without its newline.
                let length = strlen(line)
                if length > 0 && line[length - 1] == 0x0a { line[length - 1] = 0 }
                var entry: UnsafeMutablePointer<ssh_knownhosts_entry>?
                guard ssh_known_hosts_parse_line(hostEntry, line, &entry) == SSH_OK, let entry else { continue }
                if let key = entry.pointee.publickey { descriptions.append(describe(key)) }
                ssh_knownhosts_entry_free(entry)
            }
        }
        return descriptions.isEmpty ? ["a key of another type"] : descriptions
    }

    /// The key's type and SHA256 fingerprint, as `ssh-keygen -l` prints them.
    static func describe(_ key: ssh_key) -> String {
        let type = ssh_key_type_to_char(ssh_key_type(key)).map { String(cString: $0) } ?? "unknown"
        var hash: UnsafeMutablePointer<UInt8>?
        var length = 0
        guard ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) == SSH_OK, let hash else {
            return "\(type) key"
        }
        defer {
            var pointer: UnsafeMutablePointer<UInt8>? = hash
            ssh_clean_pubkey_hash(&pointer)
        }
        guard let fingerprint = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length) else {
            return "\(type) key"
        }
        defer { ssh_string_free_char(fingerprint) }
        return "\(type) key \(String(cString: fingerprint))"
    }
}
