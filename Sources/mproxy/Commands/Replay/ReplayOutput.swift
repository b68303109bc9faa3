#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Batches replayed bytes into few large writes, keeping the order between standard output and
/// standard error: bytes for one descriptor are flushed before bytes for the other are buffered.
struct ReplayOutput {
    private var pending: [UInt8] = []
    private var descriptor: Int32 = STDOUT_FILENO
    private let capacity: Int

    init(capacity: Int = 1 << 20) {
        self.capacity = capacity
        pending.reserveCapacity(capacity)
    }

    /// Queues bytes for `target`, unchanged.
    mutating func write(_ bytes: [UInt8], to target: Int32) throws {
        if target != descriptor {
            try flush()
            descriptor = target
        }
        if pending.count + bytes.count > capacity { try flush() }
        if bytes.count >= capacity {
            try bytes.withUnsafeBytes { try StandardIO.write($0, to: target) }
        } else {
            pending.append(contentsOf: bytes)
        }
    }

    /// Queues text for `target`.
    mutating func write(_ text: String, to target: Int32) throws {
        try write(Array(text.utf8), to: target)
    }

    /// Writes everything queued.
    mutating func flush() throws {
        guard !pending.isEmpty else { return }
        try pending.withUnsafeBytes { try StandardIO.write($0, to: descriptor) }
        pending.removeAll(keepingCapacity: true)
    }
}
