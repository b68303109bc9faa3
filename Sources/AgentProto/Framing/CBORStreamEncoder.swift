/// Encodes items back to back into one buffer: a size pass over all of them, one allocation, then
/// one write pass, so a batch of queued frames becomes one `write`.
public enum CBORStreamEncoder {
    /// The canonical encodings of `items`, concatenated.
    public static func encode<Items: Collection>(_ items: Items) -> [UInt8] where Items.Element: CBOREncodable {
        var counter = CBORSizeCounter()
        for item in items { item.encode(to: &counter) }
        let size = counter.count
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var writer = CBORBufferWriter(UnsafeMutableRawBufferPointer(buffer))
            for item in items { item.encode(to: &writer) }
            precondition(writer.count == size, "CBOR size pass and write pass disagree")
            initialized = size
        }
    }

    /// The canonical encoding of one item.
    public static func encode(_ item: some CBOREncodable) -> [UInt8] {
        item.encodedBytes()
    }
}

/// Encodes agentproto frames for the wire.
public typealias FrameEncoder = CBORStreamEncoder
