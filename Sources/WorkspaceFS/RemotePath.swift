/// Path arithmetic on remote paths, which are POSIX paths whatever the local system is.
public enum RemotePath {
    /// `name` resolved against `base`: `name` itself when absolute, else `base/name`.
    public static func resolve(_ name: String, against base: String) -> String {
        if name.hasPrefix("/") || base.isEmpty { return name }
        if name.isEmpty || name == "." { return base }
        return base.hasSuffix("/") ? base + name : base + "/" + name
    }

    /// `directory/name` without doubling the slash.
    public static func join(_ directory: String, _ name: String) -> String {
        if directory.isEmpty || directory == "." { return name }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// The last component ("c" for "/a/b/c/"; "/" for "/").
    public static func baseName(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        if trimmed == "/" { return "/" }
        if let slash = trimmed.lastIndex(of: "/") { return String(trimmed[trimmed.index(after: slash)...]) }
        return String(trimmed)
    }

    /// Everything before the last component ("/a/b" for "/a/b/c", "." for "c", "/" for "/c").
    public static func directoryName(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        if slash == trimmed.startIndex { return "/" }
        return String(trimmed[..<slash])
    }

    /// Removes `.` components, empty components and, lexically, `..` after a named component (as
    /// `cd` in a shell does; the agent still resolves symlinks on its own).
    public static func normalize(_ path: String) -> String {
        let isAbsolute = path.hasPrefix("/")
        var components: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == "..", let last = components.last, last != ".." {
                components.removeLast()
                continue
            }
            if component == "..", isAbsolute { continue }
            components.append(component)
        }
        let joined = components.joined(separator: "/")
        if isAbsolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
