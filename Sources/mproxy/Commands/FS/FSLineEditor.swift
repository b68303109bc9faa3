// A small line editor for the shell on a terminal: left/right, home/end, backspace, Ctrl-A/E/U/W,
// up/down history, Tab completion; the terminal is restored when the shell ends.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Reads lines from a terminal with editing and history.
struct FSLineEditor {
    private var history: [String] = []
    private var original: termios?

    /// Puts the terminal in non-canonical, no-echo mode for the whole session, so keys typed while
    /// a command runs wait for the editor unchanged (switching modes per line would let the kernel
    /// edit or, with TCSAFLUSH, drop them). Ctrl-C still interrupts a running command.
    mutating func begin() {
        var settings = termios()
        guard tcgetattr(STDIN_FILENO, &settings) == 0 else { return }
        original = settings
        settings.c_lflag &= ~tcflag_t(ICANON | ECHO)
        settings.c_iflag &= ~tcflag_t(IXON | ICRNL)
        tcsetattr(STDIN_FILENO, TCSANOW, &settings)
    }

    /// Restores the terminal as ``begin()`` found it.
    func end() {
        guard var original else { return }
        tcsetattr(STDIN_FILENO, TCSANOW, &original)
    }

    /// Where the word being typed begins: after the last space outside quotes and escapes.
    static func startOfLastWord(_ text: ArraySlice<Character>) -> Int {
        var start = text.startIndex
        var quote: Character?
        var isEscaped = false
        for index in text.indices {
            let character = text[index]
            if isEscaped {
                isEscaped = false
            } else if let open = quote {
                if character == open { quote = nil } else if character == "\\" && open == "\"" { isEscaped = true }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "\\" {
                isEscaped = true
            } else if character == " " {
                start = index + 1
            }
        }
        return start
    }

    /// Reads one line; `nil` at end of input (Ctrl-D on an empty line).
    mutating func readLine(prompt: String, complete: (String) async -> [String]) async -> String? {
        // At the prompt Ctrl-C clears the line instead of ending the session.
        var settings = termios()
        guard tcgetattr(STDIN_FILENO, &settings) == 0 else { return Swift.readLine() }
        settings.c_lflag &= ~tcflag_t(ISIG)
        tcsetattr(STDIN_FILENO, TCSANOW, &settings)
        defer {
            settings.c_lflag |= tcflag_t(ISIG)
            tcsetattr(STDIN_FILENO, TCSANOW, &settings)
        }
        var line: [Character] = []
        var cursor = 0
        var historyIndex = history.count
        func redraw() {
            let tail = line.count - cursor
            output("\r\u{1B}[K" + prompt + String(line) + (tail > 0 ? "\u{1B}[\(tail)D" : ""))
        }
        output(prompt)
        while true {
            guard let byte = readByte() else { return nil }
            switch byte {
            case 0x0D, 0x0A:
                output("\r\n")
                let text = String(line)
                if text.contains(where: { $0 != " " }), history.last != text { history.append(text) }
                return text
            case 0x04:
                if line.isEmpty { return nil }
            case 0x03:
                output("^C\r\n")
                line = []
                cursor = 0
                output(prompt)
            case 0x7F, 0x08:
                if cursor > 0 {
                    line.remove(at: cursor - 1)
                    cursor -= 1
                    redraw()
                }
            case 0x01: cursor = 0; redraw()
            case 0x05: cursor = line.count; redraw()
            case 0x15: line.removeFirst(cursor); cursor = 0; redraw()
            case 0x17:
                var start = cursor
                while start > 0 && line[start - 1] == " " { start -= 1 }
                while start > 0 && line[start - 1] != " " { start -= 1 }
                line.removeSubrange(start..<cursor)
                cursor = start
                redraw()
            case 0x09:
                let head = String(line[..<cursor])
                let options = await complete(head)
                let typing = head.hasSuffix(" ") ? "" : (FSShellWords.split(head).last ?? "")
                if options.count == 1 {
                    // The whole word is replaced by the completion quoted as `ls` shows names, so a
                    // name with spaces or odd bytes reads back as the same name.
                    let start = Self.startOfLastWord(line[..<cursor])
                    var insert = Array(FSShellWords.quoteLikeListing(options[0]))
                    if !options[0].hasSuffix("/") { insert.append(" ") }
                    line.replaceSubrange(start..<cursor, with: insert)
                    cursor = start + insert.count
                } else if options.count > 1 {
                    let common = options.dropFirst().reduce(options[0]) {
                        String(zip($0, $1).prefix { $0 == $1 }.map(\.0))
                    }
                    if common.count > typing.count {
                        let insert = Array(common.dropFirst(typing.count))
                        line.insert(contentsOf: insert, at: cursor)
                        cursor += insert.count
                    } else {
                        output("\r\n" + options.joined(separator: "  ") + "\r\n")
                    }
                }
                redraw()
            case 0x1B:
                guard readByte() == UInt8(ascii: "["), let key = readByte() else { continue }
                switch key {
                case UInt8(ascii: "A"):
                    if historyIndex > 0 {
                        historyIndex -= 1
                        line = Array(history[historyIndex])
                        cursor = line.count
                    }
                case UInt8(ascii: "B"):
                    if historyIndex < history.count {
                        historyIndex += 1
                        line = historyIndex < history.count ? Array(history[historyIndex]) : []
                        cursor = line.count
                    }
                case UInt8(ascii: "C"): cursor = min(line.count, cursor + 1)
                case UInt8(ascii: "D"): cursor = max(0, cursor - 1)
                case UInt8(ascii: "H"): cursor = 0
                case UInt8(ascii: "F"): cursor = line.count
                default: break
                }
                redraw()
            default:
                guard byte >= 0x20 else { continue }
                var bytes = [byte]
                // A UTF-8 sequence: read its continuation bytes before decoding it.
                let extra = byte >= 0xF0 ? 3 : byte >= 0xE0 ? 2 : byte >= 0xC0 ? 1 : 0
                for _ in 0..<extra { if let next = readByte() { bytes.append(next) } }
                let text = String(decoding: bytes, as: UTF8.self)
                line.insert(contentsOf: Array(text), at: cursor)
                cursor += text.count
                redraw()
            }
        }
    }

    private func readByte() -> UInt8? {
        var byte: UInt8 = 0
        while true {
            let count = read(STDIN_FILENO, &byte, 1)
            if count == 1 { return byte }
            if count < 0 && errno == EINTR { continue }
            return nil
        }
    }

    private func output(_ text: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { _ = try? StandardIO.write($0, to: STDOUT_FILENO) }
    }
}
