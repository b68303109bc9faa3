extension CBORSink {
    /// Writes a path or file name: a text string when its bytes are UTF-8 (byte-identical to
    /// ``writeText(_:)-(String)``), else a byte string with the raw bytes (`byte-paths`,
    /// PROTOCOL.md). Whoever builds the value decides whether the peer may receive the latter.
    public mutating func writePath(_ path: String) {
        guard PathBytes.containsMarker(path) else { return writeText(path) }
        let bytes = PathBytes.bytes(of: path)
        guard String(validating: bytes, as: UTF8.self) != nil else { return writeBytes(bytes) }
        writeHead(.textString, UInt64(bytes.count))
        bytes.withUnsafeBytes { writeRaw($0) }
    }

    /// Writes an array of paths or words that may not be UTF-8 (``writePath(_:)`` each), or `null`
    /// for `nil`: an Exec's argv and environment.
    public mutating func writePathArray(_ values: [String]?) {
        guard let values else { return writeNull() }
        writeArrayHeader(count: values.count)
        for value in values { writePath(value) }
    }
}
