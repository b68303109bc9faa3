/// What a helper command printed and how it ended.
public struct SSHCommandResult: Hashable, Sendable {
    /// Everything written to standard output.
    public var standardOutput: [UInt8]
    /// Everything written to standard error.
    public var standardError: [UInt8]
    /// How the command ended.
    public var status: SSHExitStatus

    /// Creates a result.
    public init(standardOutput: [UInt8], standardError: [UInt8], status: SSHExitStatus) {
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.status = status
    }

    /// Standard output as UTF-8 text (invalid sequences replaced).
    public var standardOutputText: String { String(decoding: standardOutput, as: UTF8.self) }
    /// Standard error as UTF-8 text (invalid sequences replaced).
    public var standardErrorText: String { String(decoding: standardError, as: UTF8.self) }
}
