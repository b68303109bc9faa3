/// Finds where the next top-level CBOR item ends, resuming where it stopped when more bytes arrive.
///
/// A stream decoder asks the scanner first and decodes only complete items, so each byte is
/// scanned once however the stream is split, and a partial item costs nothing to wait for. The
/// scanner also checks the item's structure (heads, breaks, chunks, nesting, counts, lengths), so
/// hostile sizes are refused before a byte of them is buffered.
struct CBORItemScanner {
    /// An open container: items still to come, or a count of items seen for indefinite ones.
    private struct OpenContainer {
        enum Kind {
            /// A definite array, map (two items per pair) or tag (one item).
            case definite
            /// An indefinite array or map, ended by a break.
            case indefinite
            /// An indefinite string of this major type: only definite chunks of it, then a break.
            case indefiniteString(CBORMajorType)
        }
        var kind: Kind
        var count: Int
    }

    private var containers: [OpenContainer] = []
    /// Offset, relative to the item's start, up to which the item has been scanned.
    private var scanned = 0
    private var inItem = false

    /// Scans the item starting at `start` in `bytes`.
    ///
    /// - Parameters:
    ///   - bytes: the buffered stream; bytes from `start` on belong to the item.
    ///   - start: the index where the item starts; must not change until the item is complete.
    ///   - streamOffset: the stream offset of `bytes[0]`, for error messages.
    ///   - limits: the bounds to enforce.
    /// - Returns: the item's length once it is complete, or `nil` when more bytes are needed.
    mutating func scan(
        _ bytes: UnsafeRawBufferPointer, from start: Int, streamOffset: Int, limits: CBORDecodingLimits
    ) throws(FrameDecodingError) -> Int? {
        if !inItem {
            inItem = true
            scanned = 0
            containers.removeAll(keepingCapacity: true)
        }
        while true {
            let position = start + scanned
            let offset = streamOffset + position
            guard position < bytes.count else { return nil }
            let initial = bytes[position]

            if initial == CBORHead.breakByte {
                guard let innermost = containers.last, !isDefinite(innermost) else {
                    throw FrameDecodingError(.unexpectedBreak, at: offset, "break outside an indefinite-length item")
                }
                scanned += 1
                containers.removeLast()
                if let length = finishItem() { return length }
                continue
            }

            let reader = CBORReader(
                UnsafeRawBufferPointer(rebasing: bytes[position...]), streamOffset: offset, limits: limits)
            let head: CBORHead
            do throws(FrameDecodingError) {
                head = try reader.peekHead()
            } catch  where error.code == .truncated {
                return nil
            }

            if case .indefiniteString(let majorType) = containers.last?.kind,
                head.majorType != majorType || head.isIndefinite
            {
                throw FrameDecodingError(
                    .malformedChunk, at: offset, "a chunk of an indefinite \(majorType) must be a definite \(majorType)"
                )
            }
            if head.isIndefinite, head.majorType == .simple {
                throw FrameDecodingError(.unexpectedBreak, at: offset, "break outside an indefinite-length item")
            }

            var itemLength = head.length
            let isString = head.majorType == .byteString || head.majorType == .textString
            switch head.majorType {
            case _ where isString && !head.isIndefinite:
                guard head.argument <= UInt64(limits.maximumItemSize - scanned) else {
                    throw FrameDecodingError(
                        .lengthLimitExceeded, at: offset,
                        "declared length \(head.argument) exceeds the limit of \(limits.maximumItemSize) bytes")
                }
                itemLength += Int(head.argument)
            case .array, .map:
                if !head.isIndefinite, head.argument > UInt64(limits.maximumElementCount) {
                    throw FrameDecodingError(
                        .countLimitExceeded, at: offset,
                        "\(head.majorType) of \(head.argument) elements exceeds the limit of \(limits.maximumElementCount)"
                    )
                }
            default:
                break
            }
            guard scanned + itemLength <= limits.maximumItemSize else {
                throw FrameDecodingError(
                    .lengthLimitExceeded, at: streamOffset + start,
                    "item exceeds the limit of \(limits.maximumItemSize) bytes")
            }
            guard position + itemLength <= bytes.count else { return nil }
            scanned += itemLength

            // The head is complete: count it in its container, then open what it starts.
            try countElement(at: offset, limits: limits)
            switch head.majorType {
            case .array, .map, .tag:
                let perEntry = head.majorType == .map ? 2 : 1
                let count = head.majorType == .tag ? 1 : Int(head.argument) * perEntry
                if head.isIndefinite {
                    try open(OpenContainer(kind: .indefinite, count: 0), at: offset, limits: limits)
                } else if count > 0 {
                    try open(OpenContainer(kind: .definite, count: count), at: offset, limits: limits)
                }
            case _ where isString && head.isIndefinite:
                try open(OpenContainer(kind: .indefiniteString(head.majorType), count: 0), at: offset, limits: limits)
            default:
                break
            }
            if let length = finishItem() { return length }
        }
    }

    private func isDefinite(_ container: OpenContainer) -> Bool {
        if case .definite = container.kind { return true }
        return false
    }

    /// Counts one item in the innermost container.
    private mutating func countElement(at offset: Int, limits: CBORDecodingLimits) throws(FrameDecodingError) {
        guard !containers.isEmpty else { return }
        let last = containers.count - 1
        if isDefinite(containers[last]) {
            containers[last].count -= 1
        } else {
            containers[last].count += 1
            guard containers[last].count <= limits.maximumElementCount * 2 else {
                throw FrameDecodingError(
                    .countLimitExceeded, at: offset,
                    "indefinite-length item has more than \(limits.maximumElementCount) elements")
            }
        }
    }

    private mutating func open(
        _ container: OpenContainer, at offset: Int, limits: CBORDecodingLimits
    ) throws(FrameDecodingError) {
        guard containers.count < limits.maximumDepth else {
            throw FrameDecodingError(
                .depthLimitExceeded, at: offset, "items nest deeper than the limit of \(limits.maximumDepth)")
        }
        containers.append(container)
    }

    /// Closes the definite containers that are full; returns the item's length when nothing is open.
    private mutating func finishItem() -> Int? {
        while let innermost = containers.last, isDefinite(innermost), innermost.count == 0 {
            containers.removeLast()
        }
        guard containers.isEmpty else { return nil }
        inItem = false
        return scanned
    }
}
