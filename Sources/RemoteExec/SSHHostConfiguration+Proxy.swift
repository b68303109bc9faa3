extension SSHHostConfiguration {
    /// The command that carries the connection: `ProxyCommand` as given, or for `ProxyJump` the
    /// `ssh -W` command OpenSSH itself runs for it (libssh 0.10 has no native jump support).
    ///
    /// Several comma-separated jump hosts nest: the last is reached through the ones before it.
    var proxyCommandIncludingJump: String? {
        if let proxyCommand { return proxyCommand }
        guard let proxyJump, !proxyJump.isEmpty else { return nil }
        var hops = proxyJump.split(separator: ",").map { String($0) }
        let last = hops.removeLast()
        var command = "ssh"
        if let configurationFile { command += " -F " + ShellQuoting.quote(configurationFile) }
        if !hops.isEmpty { command += " -J " + ShellQuoting.quote(hops.joined(separator: ",")) }
        return command + " -W '[%h]:%p' " + ShellQuoting.quote(last)
    }
}
