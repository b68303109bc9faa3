/// File system statistics (agentproto `FileStatfs`), as Statfs returns them.
public struct FileSystemStatus: Hashable, Sendable {
    /// Total blocks of `fragmentSize` bytes (`b`).
    public var blocks: UInt64
    /// Free blocks (`bf`).
    public var freeBlocks: UInt64
    /// Blocks available to unprivileged users (`ba`).
    public var availableBlocks: UInt64
    /// Total inodes (`f`).
    public var files: UInt64
    /// Free inodes (`ff`).
    public var freeFiles: UInt64
    /// Optimal transfer block size (`bs`).
    public var blockSize: UInt32
    /// Fragment size, the unit of the block counts (`fr`).
    public var fragmentSize: UInt32
    /// Longest file name (`nl`).
    public var maximumNameLength: UInt32

    /// Creates statistics; fields not given are zero and absent on the wire.
    public init(
        blocks: UInt64 = 0,
        freeBlocks: UInt64 = 0,
        availableBlocks: UInt64 = 0,
        files: UInt64 = 0,
        freeFiles: UInt64 = 0,
        blockSize: UInt32 = 0,
        fragmentSize: UInt32 = 0,
        maximumNameLength: UInt32 = 0
    ) {
        self.blocks = blocks
        self.freeBlocks = freeBlocks
        self.availableBlocks = availableBlocks
        self.files = files
        self.freeFiles = freeFiles
        self.blockSize = blockSize
        self.fragmentSize = fragmentSize
        self.maximumNameLength = maximumNameLength
    }
}

// MARK: - CBOR (keys in canonical order: b f ba bf bs ff fr nl)

extension FileSystemStatus: CBORCodable {
    public func encode<Sink: CBORSink>(to sink: inout Sink) {
        var fields = 0
        if blocks != 0 { fields += 1 }
        if files != 0 { fields += 1 }
        if availableBlocks != 0 { fields += 1 }
        if freeBlocks != 0 { fields += 1 }
        if blockSize != 0 { fields += 1 }
        if freeFiles != 0 { fields += 1 }
        if fragmentSize != 0 { fields += 1 }
        if maximumNameLength != 0 { fields += 1 }
        sink.writeMapHeader(count: fields)
        if blocks != 0 {
            sink.writeText("b")
            sink.writeUnsigned(blocks)
        }
        if files != 0 {
            sink.writeText("f")
            sink.writeUnsigned(files)
        }
        if availableBlocks != 0 {
            sink.writeText("ba")
            sink.writeUnsigned(availableBlocks)
        }
        if freeBlocks != 0 {
            sink.writeText("bf")
            sink.writeUnsigned(freeBlocks)
        }
        if blockSize != 0 {
            sink.writeText("bs")
            sink.writeUnsigned(blockSize)
        }
        if freeFiles != 0 {
            sink.writeText("ff")
            sink.writeUnsigned(freeFiles)
        }
        if fragmentSize != 0 {
            sink.writeText("fr")
            sink.writeUnsigned(fragmentSize)
        }
        if maximumNameLength != 0 {
            sink.writeText("nl")
            sink.writeUnsigned(maximumNameLength)
        }
    }

    public init(from reader: inout CBORReader) throws(FrameDecodingError) {
        self.init()
        guard var map = try reader.beginMap() else { return }
        while let key = try reader.nextKey(in: &map) {
            do throws(FrameDecodingError) {
                switch key {
                case "b": blocks = try reader.readUnsigned()
                case "f": files = try reader.readUnsigned()
                case "ba": availableBlocks = try reader.readUnsigned()
                case "bf": freeBlocks = try reader.readUnsigned()
                case "bs": blockSize = try reader.readUnsigned()
                case "ff": freeFiles = try reader.readUnsigned()
                case "fr": fragmentSize = try reader.readUnsigned()
                case "nl": maximumNameLength = try reader.readUnsigned()
                default: try reader.skipItem()
                }
            } catch {
                throw error.inField(key.name)
            }
        }
    }
}
