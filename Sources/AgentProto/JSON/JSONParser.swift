/// Reads JSON text (RFC 8259) into a ``JSONValue``.
///
/// Written here rather than taken from Foundation because AgentProto has no Foundation, and because
/// numbers must keep their literal text: `JSONSerialization` turns 18446744073709551615 into a double.
public struct JSONParser {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var depth = 0

    /// A JSON syntax error and the character offset where it was found.
    public struct Error: Swift.Error, Hashable, Sendable, CustomStringConvertible {
        /// What is wrong.
        public var detail: String
        /// The offset, in Unicode scalars, where it was found.
        public var offset: Int
        public var description: String { "\(detail) at character \(offset)" }
    }

    /// Parses one JSON value that makes up the whole of `text` (white space around it allowed).
    ///
    /// - Throws: ``Error`` for invalid JSON or anything after the value.
    public static func parse(_ text: String) throws(Error) -> JSONValue {
        var parser = JSONParser(scalars: Array(text.unicodeScalars))
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.index == parser.scalars.count else { throw parser.error("unexpected text after the value") }
        return value
    }

    private init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    private func error(_ detail: String) -> Error {
        Error(detail: detail, offset: index)
    }

    private var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    private mutating func skipWhitespace() {
        while let scalar = current, scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
            index += 1
        }
    }

    private mutating func expect(_ literal: String) throws(Error) {
        for expected in literal.unicodeScalars {
            guard current == expected else { throw error("expected '\(literal)'") }
            index += 1
        }
    }

    private mutating func parseValue() throws(Error) -> JSONValue {
        skipWhitespace()
        guard let scalar = current else { throw error("unexpected end of input") }
        switch scalar {
        case "n":
            try expect("null")
            return .null
        case "t":
            try expect("true")
            return .bool(true)
        case "f":
            try expect("false")
            return .bool(false)
        case "\"":
            return .string(try parseString())
        case "[":
            return try parseArray()
        case "{":
            return try parseObject()
        case "-", "0"..."9":
            return .number(try parseNumber())
        default:
            throw error("unexpected character '\(scalar)'")
        }
    }

    private mutating func nest() throws(Error) {
        depth += 1
        guard depth <= 512 else { throw error("nesting too deep") }
    }

    private mutating func parseArray() throws(Error) -> JSONValue {
        try nest()
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == "]" {
            index += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue())
            skipWhitespace()
            if current == "," {
                index += 1
            } else if current == "]" {
                index += 1
                depth -= 1
                return .array(elements)
            } else {
                throw error("expected ',' or ']'")
            }
        }
    }

    private mutating func parseObject() throws(Error) -> JSONValue {
        try nest()
        index += 1
        var members: [JSONMember] = []
        skipWhitespace()
        if current == "}" {
            index += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == "\"" else { throw error("expected a member name") }
            let name = try parseString()
            skipWhitespace()
            try expect(":")
            members.append(JSONMember(name, try parseValue()))
            skipWhitespace()
            if current == "," {
                index += 1
            } else if current == "}" {
                index += 1
                depth -= 1
                return .object(members)
            } else {
                throw error("expected ',' or '}'")
            }
        }
    }

    private mutating func parseNumber() throws(Error) -> String {
        let start = index
        if current == "-" { index += 1 }
        guard let first = current, ("0"..."9").contains(first) else { throw error("expected a digit") }
        if first == "0" {
            index += 1
        } else {
            skipDigits()
        }
        if current == "." {
            index += 1
            guard let digit = current, ("0"..."9").contains(digit) else { throw error("expected a digit") }
            skipDigits()
        }
        if current == "e" || current == "E" {
            index += 1
            if current == "+" || current == "-" { index += 1 }
            guard let digit = current, ("0"..."9").contains(digit) else { throw error("expected a digit") }
            skipDigits()
        }
        var literal = ""
        literal.unicodeScalars.append(contentsOf: scalars[start..<index])
        return literal
    }

    private mutating func skipDigits() {
        while let scalar = current, ("0"..."9").contains(scalar) { index += 1 }
    }

    private mutating func parseString() throws(Error) -> String {
        index += 1
        var result = String.UnicodeScalarView()
        while true {
            guard let scalar = current else { throw error("unterminated string") }
            index += 1
            switch scalar {
            case "\"":
                return String(result)
            case "\\":
                guard let escape = current else { throw error("unterminated escape") }
                index += 1
                switch escape {
                case "\"": result.append("\"")
                case "\\": result.append("\\")
                case "/": result.append("/")
                case "b": result.append("\u{08}")
                case "f": result.append("\u{0C}")
                case "n": result.append("\n")
                case "r": result.append("\r")
                case "t": result.append("\t")
                case "u": result.append(try parseUnicodeEscape())
                default: throw error("invalid escape '\\\(escape)'")
                }
            case "\u{00}"..."\u{1F}":
                throw error("control character in a string")
            default:
                result.append(scalar)
            }
        }
    }

    /// Reads the hex digits after `\u`, joining a surrogate pair into one scalar.
    private mutating func parseUnicodeEscape() throws(Error) -> Unicode.Scalar {
        let unit = try parseHexQuad()
        if (0xD800..<0xDC00).contains(unit) {
            guard current == "\\" else { throw error("unpaired surrogate") }
            index += 1
            guard current == "u" else { throw error("unpaired surrogate") }
            index += 1
            let low = try parseHexQuad()
            guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate") }
            let value = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            guard let scalar = Unicode.Scalar(value) else { throw error("invalid code point") }
            return scalar
        }
        guard let scalar = Unicode.Scalar(unit) else { throw error("unpaired surrogate") }
        return scalar
    }

    private mutating func parseHexQuad() throws(Error) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let scalar = current, let digit = UInt32(String(scalar), radix: 16) else {
                throw error("expected four hex digits")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }
}
