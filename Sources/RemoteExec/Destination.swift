/// Where to connect, as a person types it: `host`, `user@host`, `host:port`, `[v6]:port`, or
/// `ssh://user@host:port`.
///
/// `host` may be an ssh_config alias; ``SSHHostConfiguration`` resolves it. The user and port given
/// here win over the configuration's.
public struct Destination: Hashable, Sendable, CustomStringConvertible {
    /// The login name, when the destination names one.
    public var user: String?
    /// The host name, alias or address, without brackets.
    public var host: String
    /// The TCP port, when the destination names one.
    public var port: Int?

    /// Creates a destination from its parts.
    public init(user: String? = nil, host: String, port: Int? = nil) {
        self.user = user
        self.host = host
        self.port = port
    }

    /// Parses a destination the way `ssh` reads its argument (the user ends at the last `@`) and
    /// also accepts a port after the host, with IPv6 addresses in brackets.
    ///
    /// - Throws: ``DestinationParsingError`` naming what is wrong and the accepted forms.
    public init(parsing text: String) throws(DestinationParsingError) {
        var rest = Substring(text)
        guard !rest.isEmpty else { throw DestinationParsingError(.empty, text: text, "the destination is empty") }
        if let schemeEnd = rest.firstRange(of: "://") {
            let scheme = rest[..<schemeEnd.lowerBound]
            guard scheme.lowercased() == "ssh" else {
                throw DestinationParsingError(
                    .unsupportedScheme, text: text, "only ssh:// URLs are destinations, not \(scheme)://")
            }
            rest = rest[schemeEnd.upperBound...]
            if rest.hasSuffix("/") { rest = rest.dropLast() }
            guard !rest.contains("/") else {
                throw DestinationParsingError(.invalidHost, text: text, "an ssh:// destination has no path")
            }
        }
        var user: String?
        if let at = rest.lastIndex(of: "@") {
            let name = rest[..<at]
            guard !name.isEmpty else {
                throw DestinationParsingError(
                    .invalidUser, text: text, "nothing stands before '@': give a user name or drop the '@'")
            }
            user = String(name)
            rest = rest[rest.index(after: at)...]
        }
        let host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else {
                throw DestinationParsingError(
                    .unterminatedBracket, text: text, "'[' opens an address that no ']' closes")
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else {
                    throw DestinationParsingError(.invalidHost, text: text, "only ':PORT' may follow ']'")
                }
                portText = after.dropFirst()
            }
        } else if rest.filter({ $0 == ":" }).count == 1, let colon = rest.firstIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            // No colon, or several: a bare IPv6 address, which cannot carry a port without brackets.
            host = rest
        }
        try Self.validate(host: host, text: text)
        if let user { try Self.validate(user: user, text: text) }
        var port: Int?
        if let portText { port = try Self.parsePort(portText, text: text) }
        self.init(user: user, host: String(host), port: port)
    }

    /// `user@host:port` with brackets around IPv6 addresses; parses back to the same value.
    public var description: String {
        var result = user.map { "\($0)@" } ?? ""
        result += host.contains(":") ? "[\(host)]" : host
        if let port { result += ":\(port)" }
        return result
    }

    private static func validate(host: Substring, text: String) throws(DestinationParsingError) {
        guard !host.isEmpty else {
            throw DestinationParsingError(.invalidHost, text: text, "the host name is empty")
        }
        // A leading '-' would reach `ssh -G` as an option.
        guard !host.hasPrefix("-") else {
            throw DestinationParsingError(.invalidHost, text: text, "a host name cannot start with '-'")
        }
        let forbidden: Set<Character> = ["/", "@", "[", "]"]
        guard !host.contains(where: { $0.isWhitespace || forbidden.contains($0) || ($0.asciiValue ?? 0x20) < 0x20 })
        else {
            throw DestinationParsingError(
                .invalidHost, text: text, "the host name '\(host)' contains a space, '/', '@' or a bracket")
        }
    }

    private static func validate(user: String, text: String) throws(DestinationParsingError) {
        guard !user.hasPrefix("-"), !user.contains(where: { $0.isWhitespace || $0 == "/" || $0 == ":" }) else {
            throw DestinationParsingError(
                .invalidUser, text: text, "the user name '\(user)' starts with '-' or contains a space, '/' or ':'")
        }
    }

    private static func parsePort(_ digits: Substring, text: String) throws(DestinationParsingError) -> Int {
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits.count <= 5,
            let port = Int(digits), (1...65535).contains(port)
        else {
            throw DestinationParsingError(
                .invalidPort, text: text, "'\(digits)' is not a port: give a number from 1 to 65535")
        }
        return port
    }
}
