/// ssh_config's `StrictHostKeyChecking`: what happens when the server's key is not in known_hosts.
///
/// A key that differs from a known one is refused whatever this says.
public enum StrictHostKeyChecking: String, Hashable, Sendable {
    /// Refuse unknown hosts.
    case yes
    /// Refuse unknown hosts and say how to accept them (there is no interactive prompt).
    case ask
    /// Add an unknown host's key to known_hosts and connect.
    case acceptNew = "accept-new"
    /// Add an unknown host's key and connect (OpenSSH's `no` does the same).
    case no

    /// Reads the value as ssh_config and `ssh -G` write it (`true`/`false` are `-G`'s spelling).
    public init?(configurationValue value: String) {
        switch value.lowercased() {
        case "yes", "true": self = .yes
        case "ask": self = .ask
        case "accept-new": self = .acceptNew
        case "no", "false", "off": self = .no
        default: return nil
        }
    }
}
