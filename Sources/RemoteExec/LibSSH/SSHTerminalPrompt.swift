#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Asks the person at the controlling terminal (`/dev/tty`) for a passphrase or password, so
/// prompts work while stdin and stdout carry data; without a terminal there is nobody to ask.
enum SSHTerminalPrompt {
    /// Shows `prompt` and reads one line, without echo unless `echo`; `nil` when there is no terminal.
    static func ask(_ prompt: String, echo: Bool) -> String? {
        let terminal = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard terminal >= 0 else { return nil }
        defer { close(terminal) }
        var original = termios()
        let hasAttributes = tcgetattr(terminal, &original) == 0
        if hasAttributes && !echo {
            var silent = original
            silent.c_lflag &= ~tcflag_t(ECHO)
            _ = tcsetattr(terminal, TCSAFLUSH, &silent)
        }
        defer {
            if hasAttributes && !echo {
                _ = tcsetattr(terminal, TCSAFLUSH, &original)
                _ = write(terminal, "\n", 1)
            }
        }
        var promptBytes = Array(prompt.utf8)
        _ = write(terminal, &promptBytes, promptBytes.count)
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = read(terminal, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            guard count == 1 else { return line.isEmpty ? nil : String(decoding: line, as: UTF8.self) }
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { break }
            line.append(byte)
        }
        return String(decoding: line, as: UTF8.self)
    }
}
