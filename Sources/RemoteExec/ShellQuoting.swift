/// Quotes words for a POSIX shell, which is how remote commands and proxy commands are run, and how
/// commands are shown to be pasted back into one.
public enum ShellQuoting {
    /// `word` as it is when it has only characters no shell treats specially, else in single
    /// quotes with each `'` inside written as `'\''`: either way the shell reads `word` back unchanged.
    public static func quote(_ word: String) -> String {
        let isPlain =
            !word.isEmpty
            && word.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"):
                    true
                default:
                    "@%+=:,./_-".utf8.contains(byte)
                }
            }
        return isPlain ? word : "'" + word.replacing("'", with: #"'\''"#) + "'"
    }

    /// The words quoted and joined with spaces: a command line `sh -c` runs as `words`.
    public static func join(_ words: [String]) -> String {
        words.map(quote).joined(separator: " ")
    }
}
