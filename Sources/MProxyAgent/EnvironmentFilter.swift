// The Config env filter (Go `envfilter.Filter`): remove beats everything, then names listed in
// MPROXY_CHANGED_ENVS, then keep patterns; everything else is dropped. Patterns are globs, or
// regular expressions on the name when written `/re/` (glibc fnmatch and POSIX ERE: they cost
// nothing in a static binary, Swift Regex costs 1.3 MB).

import Glibc

/// A compiled set of keep and remove patterns.
///
/// `@unchecked Sendable`: the compiled `regex_t` values are only read by `regexec` after `init`.
final class EnvironmentFilter: @unchecked Sendable {
    private let keep: [Pattern]
    private let remove: [Pattern]

    init(keep: [String], remove: [String]) {
        self.keep = keep.compactMap(Pattern.init)
        self.remove = remove.compactMap(Pattern.init)
    }

    /// Filters `environment`, keeping the input order; the result is never nil.
    func filter(_ environment: [String]) -> [String] {
        let changedMarker = "MPROXY_CHANGED_ENVS"
        var changed: Set<Substring> = []
        if let entry = environment.first(where: { Self.name(of: $0) == changedMarker }),
            let equals = entry.firstIndex(of: "=")
        {
            changed = Set(entry[entry.index(after: equals)...].split(separator: ":"))
        }
        return environment.filter { entry in
            let name = Self.name(of: entry)
            if name == changedMarker { return false }
            let nameString = String(name)
            if remove.contains(where: { $0.matches(nameString) }) { return false }
            if changed.contains(name) { return true }
            return keep.contains { $0.matches(nameString) }
        }
    }

    /// The text before the first `=`, or the whole entry.
    static func name(of entry: String) -> Substring {
        entry.firstIndex(of: "=").map { entry[..<$0] } ?? entry[...]
    }

    private final class Pattern {
        private let glob: String?
        private var expression = regex_t()

        /// Nil for an invalid regular expression, which Go skips silently.
        init?(_ text: String) {
            if text.count > 2, text.hasPrefix("/"), text.hasSuffix("/") {
                glob = nil
                let body = String(text.dropFirst().dropLast())
                if regcomp(&expression, body, REG_EXTENDED | REG_NOSUB) != 0 { return nil }
            } else {
                glob = text
            }
        }

        deinit {
            if glob == nil { regfree(&expression) }
        }

        func matches(_ name: String) -> Bool {
            if let glob {
                // FNM_PATHNAME: Go's filepath.Match does not let `*` cross a `/`.
                return fnmatch(glob, name, FNM_PATHNAME) == 0
            }
            return regexec(&expression, name, 0, nil, 0) == 0
        }
    }
}
