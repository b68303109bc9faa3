/// Quotes words for a POSIX shell, which is how remote commands and proxy commands are run.
public enum ShellQuoting {
    /// `word` in single quotes, each `'` inside written as `'\''`, so the shell passes it unchanged.
    public static func quote(_ word: String) -> String {
        "'" + word.replacing("'", with: #"'\''"#) + "'"
    }

    /// The words quoted and joined with spaces: a command line `sh -c` runs as `words`.
    public static func join(_ words: [String]) -> String {
        words.map(quote).joined(separator: " ")
    }
}
