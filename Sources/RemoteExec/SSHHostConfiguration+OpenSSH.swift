extension SSHHostConfiguration {
    /// Reads the `key value` lines `ssh -G HOST` prints (keys in lower case, one `identityfile` line
    /// per file, several known_hosts files on one line), expanding `~` and tokens in identity paths.
    ///
    /// Unknown keys are ignored; missing ones keep OpenSSH's defaults. `home` and `localUser` default
    /// to the current user's.
    public init(
        openSSHOutput output: String, alias: String, configurationFile: String? = nil, home: String? = nil,
        localUser: String? = nil
    ) {
        let home = home ?? SSHPathExpansion.homeDirectory
        let localUser = localUser ?? SSHPathExpansion.localUser
        self.init(alias: alias, user: localUser, configurationFile: configurationFile, source: .openSSH)
        var rawIdentityFiles: [String] = []
        for line in output.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard parts.count == 2 else { continue }
            let value = String(parts[1])
            switch parts[0].lowercased() {
            case "hostname": hostName = value
            case "port": port = Int(value) ?? port
            case "user": user = value
            case "identityfile": rawIdentityFiles.append(value)
            case "identitiesonly": identitiesOnly = value == "yes" || value == "true"
            case "identityagent": identityAgent = value
            case "proxycommand": proxyCommand = value == "none" ? nil : value
            case "proxyjump": proxyJump = value == "none" ? nil : value
            case "userknownhostsfile":
                userKnownHostsFiles = value.split(separator: " ").map {
                    SSHPathExpansion.expandTilde(String($0), home: home)
                }
            case "hostkeyalias": hostKeyAlias = value == "none" ? nil : value
            case "stricthostkeychecking":
                strictHostKeyChecking = StrictHostKeyChecking(configurationValue: value) ?? strictHostKeyChecking
            case "connecttimeout": connectTimeout = Int(value)
            case "serveraliveinterval": serverAliveInterval = Int(value) ?? 0
            case "serveralivecountmax": serverAliveCountMax = Int(value) ?? 3
            case "setenv":
                // One line per variable, `NAME=VALUE`, quotes already removed by ssh -G.
                guard let equals = value.firstIndex(of: "="), equals != value.startIndex else { continue }
                environment.append(
                    EnvironmentVariable(
                        name: String(value[..<equals]), value: String(value[value.index(after: equals)...])))
            default: continue
            }
        }
        identityFiles = rawIdentityFiles.map {
            SSHPathExpansion.expand(
                $0, home: home, localUser: localUser, remoteUser: user, hostName: hostName, port: port, alias: alias)
        }
    }

    /// The `ssh -G` command line for `destination`: `-F`, `-l` and `-p` when given (so `Match user`
    /// and `%r` see the user that will log in), then `--` so the host cannot be read as an option.
    static func openSSHArguments(for destination: Destination, overrides: SSHConnectionOverrides) -> [String] {
        var arguments = ["-G"]
        if let configurationFile = overrides.configurationFile { arguments += ["-F", configurationFile] }
        if let user = overrides.user ?? destination.user { arguments += ["-l", user] }
        if let port = overrides.port ?? destination.port { arguments += ["-p", String(port)] }
        return arguments + ["--", destination.host]
    }

    /// Resolves the settings for `destination`: runs `ssh -G` when the OpenSSH client is on `PATH`,
    /// else returns settings marked ``Source-swift.enum/libSSH`` for the session to complete with
    /// libssh's parser; then applies `overrides`.
    ///
    /// Blocks while `ssh -G` runs (a few milliseconds): call it from a thread of your own, such as a
    /// session thread, never from the cooperative pool.
    static func resolve(
        destination: Destination, overrides: SSHConnectionOverrides, sshExecutable: String? = LocalProcess.find("ssh")
    ) throws(SSHError) -> SSHHostConfiguration {
        var configuration: SSHHostConfiguration
        if let sshExecutable {
            let arguments = openSSHArguments(for: destination, overrides: overrides)
            let result: LocalProcess.Result
            do {
                result = try LocalProcess.run(sshExecutable, arguments: arguments)
            } catch {
                throw SSHError(.connectionFailed, "could not run '\(sshExecutable) -G' to read ssh_config: \(error)")
            }
            guard result.status == 0 else {
                let reason = String(decoding: result.standardError, as: UTF8.self)
                throw SSHError(
                    .connectionFailed,
                    "'ssh -G \(destination.host)' failed (exit \(result.status)): "
                        + "\(reason.trimmingTrailingNewlines); fix the ssh configuration it names")
            }
            configuration = SSHHostConfiguration(
                openSSHOutput: String(decoding: result.standardOutput, as: UTF8.self), alias: destination.host,
                configurationFile: overrides.configurationFile)
        } else {
            configuration = SSHHostConfiguration(
                alias: destination.host, user: SSHPathExpansion.localUser,
                configurationFile: overrides.configurationFile, source: .libSSH)
        }
        configuration.apply(overrides, destination: destination)
        return configuration
    }
}

extension String {
    /// The string without the line breaks at its end.
    var trimmingTrailingNewlines: Substring {
        var result = Substring(self)
        while result.last == "\n" || result.last == "\r" { result = result.dropLast() }
        return result
    }
}
