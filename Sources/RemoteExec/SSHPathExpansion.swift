#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Expands `~` and the ssh_config `%` tokens that `ssh -G` leaves in `IdentityFile` paths.
enum SSHPathExpansion {
    /// The current user's home directory: `$HOME`, else the password database.
    static var homeDirectory: String {
        if let home = getenv("HOME"), home.pointee != 0 { return String(cString: home) }
        if let entry = getpwuid(getuid()), let directory = entry.pointee.pw_dir { return String(cString: directory) }
        return "/"
    }

    /// The current user's login name, from the password database, else `$USER`.
    static var localUser: String {
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        if let user = getenv("USER") { return String(cString: user) }
        return "root"
    }

    /// `~/x` → `$HOME/x`; other paths unchanged.
    static func expandTilde(_ path: String, home: String = homeDirectory) -> String {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + path.dropFirst() }
        return path
    }

    /// Expands `~` and the tokens `%d` (home), `%u` (local user), `%r` (remote user), `%h` (host
    /// name), `%p` (port), `%n` (alias) and `%%`, as ssh_config(5) defines them for IdentityFile.
    static func expand(
        _ path: String, home: String = homeDirectory, localUser: String = localUser, remoteUser: String,
        hostName: String, port: Int, alias: String
    ) -> String {
        var result = ""
        var iterator = expandTilde(path, home: home).makeIterator()
        while let character = iterator.next() {
            guard character == "%" else {
                result.append(character)
                continue
            }
            switch iterator.next() {
            case "d": result += home
            case "u": result += localUser
            case "r": result += remoteUser
            case "h": result += hostName
            case "p": result += String(port)
            case "n": result += alias
            case "%": result += "%"
            case let other?: result += "%" + String(other)
            case nil: result += "%"
            }
        }
        return result
    }
}
