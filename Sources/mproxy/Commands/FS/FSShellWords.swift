import AgentProto

/// Splits a shell line into words and quotes names back for it: spaces separate, single and double
/// quotes group, backslash escapes, and bash's `$'...'` gives any byte (`$'\351'`, `$'\n'`), so
/// names that are not UTF-8 can be typed back the way ``quoteLikeListing(_:)`` shows them.
enum FSShellWords {
    private enum Quote {
        case single, double, ansiC
    }

    static func split(_ line: String) -> [String] {
        let bytes = PathBytes.bytes(of: line)
        var words: [String] = []
        var current: [UInt8] = []
        var inWord = false
        var quote: Quote?
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch quote {
            case .single?:
                if byte == UInt8(ascii: "'") { quote = nil } else { current.append(byte) }
            case .ansiC?:
                if byte == UInt8(ascii: "'") {
                    quote = nil
                } else if byte == UInt8(ascii: "\\"), index < bytes.count {
                    current.append(ansiEscape(bytes, at: &index))
                } else {
                    current.append(byte)
                }
            case .double?, nil:
                if byte == UInt8(ascii: "\\"), index < bytes.count {
                    current.append(bytes[index])
                    index += 1
                    inWord = true
                } else if quote == .double {
                    if byte == UInt8(ascii: "\"") { quote = nil } else { current.append(byte) }
                } else if byte == UInt8(ascii: "$"), index < bytes.count, bytes[index] == UInt8(ascii: "'") {
                    quote = .ansiC
                    index += 1
                    inWord = true
                } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                    quote = byte == UInt8(ascii: "'") ? .single : .double
                    inWord = true
                } else if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                    if inWord { words.append(PathBytes.string(from: current)) }
                    current = []
                    inWord = false
                } else {
                    current.append(byte)
                    inWord = true
                }
            }
        }
        if inWord { words.append(PathBytes.string(from: current)) }
        return words
    }

    /// The byte a `$'...'` escape stands for; `index` is just past the backslash and moves past
    /// the escape (octal `\NNN`, hex `\xHH`, or one letter as in C).
    private static func ansiEscape(_ bytes: [UInt8], at index: inout Int) -> UInt8 {
        func digits(radix: UInt8, limit: Int) -> UInt8? {
            var value = 0
            var count = 0
            while count < limit, index < bytes.count,
                let digit = hexValue(bytes[index]), digit < radix
            {
                value = value * Int(radix) + Int(digit)
                index += 1
                count += 1
            }
            return count == 0 ? nil : UInt8(truncatingIfNeeded: value)
        }
        let letter = bytes[index]
        if (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(letter), let value = digits(radix: 8, limit: 3) {
            return value
        }
        index += 1
        switch letter {
        case UInt8(ascii: "x"): return digits(radix: 16, limit: 2) ?? UInt8(ascii: "x")
        case UInt8(ascii: "n"): return 0x0A
        case UInt8(ascii: "t"): return 0x09
        case UInt8(ascii: "r"): return 0x0D
        case UInt8(ascii: "a"): return 0x07
        case UInt8(ascii: "b"): return 0x08
        case UInt8(ascii: "e"), UInt8(ascii: "E"): return 0x1B
        case UInt8(ascii: "f"): return 0x0C
        case UInt8(ascii: "v"): return 0x0B
        default: return letter
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// `word` quoted for the shell line when it needs it.
    static func quote(_ word: String) -> String {
        guard word.contains(where: { " \t'\"\\".contains($0) }) else { return word }
        return "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }

    /// A name as GNU `ls` shows it on a terminal (quoting style shell-escape): as is when it needs
    /// no quoting, else in single quotes, with control characters and bytes that are not UTF-8 as
    /// `$'\n'` and `$'\351'` between them: `'new'$'\n''line'`, `'caf'$'\351'`.
    static func quoteLikeListing(_ name: String) -> String {
        let plain =
            PathBytes.isText(name) && !name.isEmpty
            && name.unicodeScalars.allSatisfy { scalar in
                scalar.value >= 0x80
                    ? !(0x80..<0xA0).contains(scalar.value) && scalar != PathBytes.marker
                    : (scalar.properties.isAlphabetic || scalar.properties.numericType != nil
                        || "-_./+,:@%=^".unicodeScalars.contains(scalar))
            }
        if plain { return name }
        var result = ""
        var literal = ""
        var escapes = ""
        func flushLiteral() {
            if !literal.isEmpty { result += "'" + literal.replacingQuotes() + "'" }
            literal = ""
        }
        func flushEscapes() {
            if !escapes.isEmpty { result += "$'" + escapes + "'" }
            escapes = ""
        }
        for byteOrScalar in scalarsAndStrayBytes(of: name) {
            switch byteOrScalar {
            case .scalar(let scalar)
            where scalar.value >= 0x20 && scalar.value != 0x7F
                && !(0x80..<0xA0).contains(scalar.value):
                flushEscapes()
                literal.unicodeScalars.append(scalar)
            case .scalar(let scalar):
                flushLiteral()
                let named: [UInt32: String] = [
                    7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r",
                ]
                escapes += named[scalar.value] ?? String(scalar).utf8.map(octal).joined()
            case .byte(let byte):
                flushLiteral()
                escapes += octal(byte)
            }
        }
        flushLiteral()
        flushEscapes()
        return result
    }

    private static func octal(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 8)
        return "\\" + String(repeating: "0", count: 3 - digits.count) + digits
    }

    private enum ScalarOrByte {
        case scalar(Unicode.Scalar)
        case byte(UInt8)
    }

    /// The name's characters, with each byte that is not UTF-8 on its own.
    /// A name as GNU `find` and `tree -q` show it on a terminal: every control character and every
    /// byte that is not UTF-8 as `?`, so no name can move the cursor or pass for two lines.
    static func questionMarked(_ name: String) -> String {
        var result = ""
        for byteOrScalar in scalarsAndStrayBytes(of: name) {
            switch byteOrScalar {
            case .scalar(let scalar)
            where scalar.value >= 0x20 && scalar.value != 0x7F && !(0x80..<0xA0).contains(scalar.value):
                result.unicodeScalars.append(scalar)
            case .scalar, .byte:
                result += "?"
            }
        }
        return result
    }

    private static func scalarsAndStrayBytes(of name: String) -> [ScalarOrByte] {
        var result: [ScalarOrByte] = []
        var scalars = name.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == PathBytes.marker else {
                result.append(.scalar(scalar))
                continue
            }
            // An escaped byte is the marker and the byte's scalar; the doubled marker is itself.
            let bytes = PathBytes.bytes(of: String(scalar) + (scalars.next().map { String($0) } ?? ""))
            if bytes.count == 1 {
                result.append(.byte(bytes[0]))
            } else {
                for next in String(decoding: bytes, as: UTF8.self).unicodeScalars { result.append(.scalar(next)) }
            }
        }
        return result
    }
}

extension String {
    /// The text with each `'` written as `'\''`, for a single-quoted shell word.
    fileprivate func replacingQuotes() -> String {
        split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''")
    }
}
