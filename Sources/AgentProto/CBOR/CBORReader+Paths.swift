// Paths and file names on the wire: text when they are UTF-8 (always, for the Go peer), a byte
// string when they are not and both ends agreed on `byte-paths` (PROTOCOL.md, PathBytes.swift).

extension CBORReader {
    /// Reads a path or file name: a text string, a byte string (`byte-paths`), or `null` (`""`).
    /// Bytes that are not UTF-8 come back escaped as ``PathBytes`` describes.
    ///
    /// - Throws: `unexpectedType` for anything but a text or byte string; `invalidUTF8` for a text
    ///   string that is not UTF-8 (the extension sends such names as byte strings).
    public mutating func readPath() throws(FrameDecodingError) -> String {
        if consumeNull() { return "" }
        // One byte decides it (no head parsing): this runs for every Exec word and path.
        if position < bytes.count, bytes[position] >> 5 == CBORMajorType.byteString.rawValue {
            return PathBytes.string(from: try readBytes())
        }
        let text = try readText()
        // A real U+FFFE must be doubled so it is not taken for an escaped byte.
        return PathBytes.containsMarker(text) ? PathBytes.string(from: Array(text.utf8)) : text
    }

    /// Reads an array written by `writePathArray(_:)`, or `nil` for `null`.
    public mutating func readPathArray() throws(FrameDecodingError) -> [String]? {
        try readArray { (reader: inout CBORReader) throws(FrameDecodingError) in try reader.readPath() }
    }
}
