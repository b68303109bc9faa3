/// A byte budget with hysteresis: above `high` the producer stops, below `low` it starts again.
public struct MuxWatermarks: Hashable, Sendable {
    /// Resume once the buffered bytes fall to this or below.
    public var low: Int
    /// Stop once the buffered bytes reach this or above.
    public var high: Int

    /// Creates watermarks; `low` is clamped to `high`.
    public init(low: Int, high: Int) {
        self.high = max(1, high)
        self.low = min(max(0, low), self.high)
    }
}
