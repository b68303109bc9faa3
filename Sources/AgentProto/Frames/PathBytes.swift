// File names on Linux are bytes, not text: `caf\xe9` (Latin-1) is a valid name but not UTF-8, and
// a Swift `String` cannot hold it. Rather than change every path in the API to a byte type, paths
// stay `String`s and carry such bytes escaped, in the spirit of Python's PEP 383 "surrogateescape":
// a byte that is not part of valid UTF-8 becomes U+FFFE followed by the scalar with the byte's value
// (U+0080...U+00FF), and a real U+FFFE in a name is doubled. U+FFFE is a noncharacter, which
// Unicode reserves for exactly this kind of internal use, so names without it (all real ones) are
// untouched and cost nothing. The conversion happens only at the edges: the wire (`byte-paths`,
// PROTOCOL.md) and system calls.

/// Converts between file-name bytes and the `String`s the API uses for paths, losslessly.
///
/// ```swift
/// let name = PathBytes.string(from: [0x63, 0x61, 0x66, 0xE9])  // "caf\u{FFFE}\u{E9}"
/// PathBytes.bytes(of: name)                                    // [0x63, 0x61, 0x66, 0xE9]
/// PathBytes.isText(name)                                       // false: not valid UTF-8
/// ```
public enum PathBytes {
    /// The marker that introduces an escaped byte (or, doubled, stands for itself).
    public static let marker: Unicode.Scalar = "\u{FFFE}"

    /// The path `String` for raw file-name bytes: valid UTF-8 as text, every other byte escaped.
    public static func string(from bytes: some Collection<UInt8>) -> String {
        if let text = String(validating: bytes, as: UTF8.self), !containsMarker(text) { return text }
        var scalars = String.UnicodeScalarView()
        let array = Array(bytes)
        var index = 0
        while index < array.count {
            if let (scalar, length) = decodeScalar(array, at: index) {
                scalars.append(scalar)
                if scalar == marker { scalars.append(marker) }
                index += length
            } else {
                scalars.append(marker)
                scalars.append(Unicode.Scalar(array[index]))
                index += 1
            }
        }
        return String(scalars)
    }

    /// The raw bytes a path `String` stands for (its UTF-8, with escaped bytes restored).
    public static func bytes(of path: String) -> [UInt8] {
        guard containsMarker(path) else { return Array(path.utf8) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(path.utf8.count)
        var scalars = path.unicodeScalars.makeIterator()
        var pending = scalars.next()
        while let scalar = pending {
            pending = scalars.next()
            guard scalar == marker, let next = pending else {
                bytes.append(contentsOf: String(scalar).utf8)
                continue
            }
            if next == marker {
                bytes.append(contentsOf: String(marker).utf8)
                pending = scalars.next()
            } else if (0x80...0xFF).contains(next.value) {
                bytes.append(UInt8(next.value))
                pending = scalars.next()
            } else {
                // A lone marker typed by someone: it is only itself.
                bytes.append(contentsOf: String(marker).utf8)
            }
        }
        return bytes
    }

    /// Whether the path's bytes are valid UTF-8, so it can travel as a CBOR text string.
    public static func isText(_ path: String) -> Bool {
        !containsMarker(path) || String(validating: bytes(of: path), as: UTF8.self) != nil
    }

    /// The path for people: escaped bytes shown as `\xE9`, everything else as is.
    public static func displayString(_ path: String) -> String {
        guard containsMarker(path) else { return path }
        let raw = bytes(of: path)
        var text = ""
        var index = 0
        while index < raw.count {
            if let (scalar, length) = decodeScalar(raw, at: index) {
                text.unicodeScalars.append(scalar)
                index += length
            } else {
                let hex = String(raw[index], radix: 16, uppercase: true)
                text += "\\x" + (hex.count == 1 ? "0" + hex : hex)
                index += 1
            }
        }
        return text
    }

    /// Calls `body` with the path's bytes as a NUL-terminated C string, for system calls.
    public static func withCString<Result, Failure: Error>(
        _ path: String, _ body: (UnsafePointer<CChar>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        guard containsMarker(path) else {
            // Typed throws cannot pass through the stdlib's rethrowing withCString.
            let result: Swift.Result<Result, Failure> = path.withCString { pointer in
                do throws(Failure) { return .success(try body(pointer)) } catch { return .failure(error) }
            }
            return try result.get()
        }
        var raw = bytes(of: path)
        raw.append(0)
        let result: Swift.Result<Result, Failure> = raw.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { pointer in
                do throws(Failure) { return .success(try body(pointer.baseAddress!)) } catch { return .failure(error) }
            }
        }
        return try result.get()
    }

    /// Whether `text` contains the marker's UTF-8 (EF BF BE); ASCII-only text is ruled out quickly.
    static func containsMarker(_ text: String) -> Bool {
        // Every Exec word and path goes through here: scan native strings' contiguous UTF-8
        // directly (a byte iterator costs ~3 ns a byte), looking for EF BF BE.
        let found = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard bytes.count >= 3 else { return false }
            for index in 0..<(bytes.count - 2) where bytes[index] == 0xEF {
                if bytes[index + 1] == 0xBF && bytes[index + 2] == 0xBE { return true }
            }
            return false
        }
        if let found { return found }
        var utf8 = text.utf8.makeIterator()
        var state = 0
        while let byte = utf8.next() {
            switch (state, byte) {
            case (_, 0xEF): state = 1
            case (1, 0xBF): state = 2
            case (2, 0xBE): return true
            default: state = 0
            }
        }
        return false
    }

    /// The scalar whose well-formed UTF-8 starts at `index`, and its length; `nil` when the byte
    /// there does not start one (stray continuation, overlong form, surrogate, beyond U+10FFFF,
    /// truncated sequence).
    private static func decodeScalar(_ bytes: [UInt8], at index: Int) -> (Unicode.Scalar, Int)? {
        let lead = bytes[index]
        if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
        let length: Int
        let lowest: UInt32
        var value: UInt32
        switch lead {
        case 0xC2...0xDF: (length, lowest, value) = (2, 0x80, UInt32(lead & 0x1F))
        case 0xE0...0xEF: (length, lowest, value) = (3, 0x800, UInt32(lead & 0x0F))
        case 0xF0...0xF4: (length, lowest, value) = (4, 0x10000, UInt32(lead & 0x07))
        default: return nil
        }
        guard index + length <= bytes.count else { return nil }
        for offset in 1..<length {
            let byte = bytes[index + offset]
            guard byte & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        guard value >= lowest, let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, length)
    }
}
