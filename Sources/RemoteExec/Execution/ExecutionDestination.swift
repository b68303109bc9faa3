/// Where commands run: this machine (the agent as a local child) or an SSH destination.
public enum ExecutionDestination: Hashable, Sendable, CustomStringConvertible {
    /// This machine, no SSH: spelled `local` or `local:`.
    case local
    /// A host reached over SSH.
    case ssh(Destination)

    /// Parses `local`, `local:`, or any ``Destination`` form (`host`, `user@host`, `host:port`,
    /// `[v6]:port`, `ssh://user@host:port`).
    ///
    /// - Throws: ``ExecutionError`` `invalidDestination` with the accepted forms.
    public init(parsing text: String) throws(ExecutionError) {
        if text == "local" || text == "local:" {
            self = .local
            return
        }
        do {
            self = .ssh(try Destination(parsing: text))
        } catch {
            throw ExecutionError(
                .invalidDestination,
                "\(error); use host, user@host, host:port, [v6]:port, ssh://user@host:port, or local", cause: error)
        }
    }

    /// The destination as typed back.
    public var description: String {
        switch self {
        case .local: "local"
        case .ssh(let destination): destination.description
        }
    }
}
