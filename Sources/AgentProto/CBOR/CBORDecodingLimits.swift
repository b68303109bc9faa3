/// Bounds on what a peer can make a decoder do, checked before anything is allocated.
///
/// The defaults are those the Go peer's decoder (fxamacker/cbor `DecOptions{}`) enforces, so a Swift
/// peer accepts no more than the Go one, plus a size limit per item that Go lacks.
public struct CBORDecodingLimits: Hashable, Sendable {
    /// How deeply arrays, maps, tags and indefinite strings may nest; the top-level container is depth 1.
    public var maximumDepth: Int
    /// The most elements an array may have and the most pairs a map may have.
    public var maximumElementCount: Int
    /// The most bytes one top-level item (a frame or a record) may span.
    public var maximumItemSize: Int

    /// Creates limits.
    ///
    /// - Parameters:
    ///   - maximumDepth: nesting depth allowed, 32 by default (fxamacker `MaxNestedLevels`).
    ///   - maximumElementCount: elements per array or pairs per map, 131072 by default
    ///     (fxamacker `MaxArrayElements`, `MaxMapPairs`).
    ///   - maximumItemSize: bytes per top-level item, 16 MiB by default.
    public init(maximumDepth: Int = 32, maximumElementCount: Int = 131_072, maximumItemSize: Int = 16 << 20) {
        self.maximumDepth = maximumDepth
        self.maximumElementCount = maximumElementCount
        self.maximumItemSize = maximumItemSize
    }

    /// The defaults: depth 32, 131072 elements, 16 MiB per item.
    public static let `default` = CBORDecodingLimits()
}
