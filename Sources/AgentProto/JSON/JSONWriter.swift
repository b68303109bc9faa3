/// Writes JSON exactly as Python's `json.dumps(value, sort_keys=True, separators=(",", ":"),
/// ensure_ascii=True)` does, so tool output compares byte for byte with the golden vectors.
public enum JSONWriter {
    /// The compact text of `value`, object members sorted by code point.
    public static func text(of value: JSONValue) -> String {
        var output = ""
        write(value, to: &output)
        return output
    }

    private static func write(_ value: JSONValue, to output: inout String) {
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .number(let literal): output += literal
        case .string(let string): writeString(string, to: &output)
        case .array(let elements):
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                write(element, to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            let sorted = members.sorted { lhs, rhs in
                lhs.name.unicodeScalars.lexicographicallyPrecedes(rhs.name.unicodeScalars) { $0.value < $1.value }
            }
            for (index, member) in sorted.enumerated() {
                if index > 0 { output += "," }
                writeString(member.name, to: &output)
                output += ":"
                write(member.value, to: &output)
            }
            output += "}"
        }
    }

    /// Escapes like Python's `ensure_ascii`: the short escapes, then `\uXXXX` (lowercase, UTF-16
    /// surrogate pairs above U+FFFF) for everything outside printable ASCII, DEL included.
    private static func writeString(_ string: String, to output: inout String) {
        output += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case " "..."~": output.unicodeScalars.append(scalar)
            default:
                for unit in String(scalar).utf16 {
                    output += "\\u"
                    let hex = String(unit, radix: 16)
                    output += String(repeating: "0", count: 4 - hex.count) + hex
                }
            }
        }
        output += "\""
    }
}
