#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A batch of records encoded for one gathered write (`writev`): the small parts — heads, keys,
/// timestamps, control frames — encoded into one buffer, and the large Data payloads written from
/// where they already are.
///
/// Copying every payload into an encoding buffer (and faulting in a fresh buffer per batch) was
/// most of what recording cost besides the file write itself.
struct GatheredRecords {
    /// A payload this size or larger is written in place instead of copied.
    static let inPlaceThreshold = 4096

    /// The encoded records with the in-place payloads left out.
    private let encoded: [UInt8]
    /// Each in-place payload and the offset in `encoded` where it belongs, in order.
    private let payloads: [(offset: Int, bytes: [UInt8])]
    /// Bytes the batch puts in the file.
    let byteCount: Int
    /// How many payloads are written in place.
    var inPlacePayloadCount: Int { payloads.count }

    /// Encodes `records`.
    init(_ records: [Record]) {
        var counter = PayloadSkippingSink(CBORSizeCounter())
        for record in records {
            counter.encode(record, skipping: Self.inPlacePayload(of: record))
        }
        let size = counter.base.count
        var payloads: [(offset: Int, bytes: [UInt8])] = []
        payloads.reserveCapacity(counter.skippedCount)
        encoded = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var writer = PayloadSkippingSink(CBORBufferWriter(UnsafeMutableRawBufferPointer(buffer)))
            for record in records {
                let payload = Self.inPlacePayload(of: record)
                if let offset = writer.encode(record, skipping: payload), let payload {
                    payloads.append((offset, payload))
                }
            }
            precondition(writer.base.count == size, "CBOR size pass and write pass disagree")
            initialized = size
        }
        self.payloads = payloads
        byteCount = size + payloads.reduce(0) { $0 + $1.bytes.count }
    }

    /// Writes the batch to `file`.
    func write(to file: RecordingFile) throws(RecordingError) {
        var pieces: [UnsafeRawBufferPointer] = []
        pieces.reserveCapacity(payloads.count * 2 + 1)
        let result: Result<Void, RecordingError> = encoded.withUnsafeBytes { encoded in
            Self.withPayloadPointers(payloads[...], into: &pieces, encoded: encoded, consumed: 0) { pieces in
                do throws(RecordingError) {
                    try file.writeAll(pieces)
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
        }
        try result.get()
    }

    /// The Data payload of a recorded frame worth writing in place.
    private static func inPlacePayload(of record: Record) -> [UInt8]? {
        guard let data = record.frame?.frame.data, data.count >= inPlaceThreshold else { return nil }
        return data
    }

    /// Builds the list of pieces (encoded slices and payloads, in file order) while every payload's
    /// memory is pinned, then calls `body` with it.
    private static func withPayloadPointers<Outcome>(
        _ payloads: ArraySlice<(offset: Int, bytes: [UInt8])>,
        into pieces: inout [UnsafeRawBufferPointer],
        encoded: UnsafeRawBufferPointer,
        consumed: Int,
        _ body: ([UnsafeRawBufferPointer]) -> Outcome
    ) -> Outcome {
        guard let (offset, bytes) = payloads.first else {
            pieces.append(UnsafeRawBufferPointer(rebasing: encoded[consumed...]))
            return body(pieces)
        }
        return bytes.withUnsafeBytes { payload in
            pieces.append(UnsafeRawBufferPointer(rebasing: encoded[consumed..<offset]))
            pieces.append(payload)
            return withPayloadPointers(
                payloads.dropFirst(), into: &pieces, encoded: encoded, consumed: offset, body)
        }
    }
}

/// A sink that passes everything to `base` except the raw bytes of one payload, which it only
/// notes: the payload is then written from its own memory.
///
/// The payload is recognised as the first raw write of its length: in a recorded frame's canonical
/// encoding everything before the Data bytes (`ts`, `dir`, `seq`, `frame`, `c`, the `d` key) is a
/// short key or number, so the size pass and the write pass always skip the same bytes.
private struct PayloadSkippingSink<Base: CBORSink & CBORByteCounting>: CBORSink {
    var base: Base
    /// The length of the payload to leave out of the record being encoded.
    private var skippingCount: Int?
    /// The output offset where the payload was left out, once it was.
    private var skippedAt: Int?
    /// How many payloads were skipped so far.
    private(set) var skippedCount = 0

    init(_ base: Base) {
        self.base = base
    }

    /// Encodes `record`, leaving out `payload`'s bytes if it finds them.
    ///
    /// - Returns: where in the output the payload belongs, or nil when it was not left out.
    @discardableResult
    mutating func encode(_ record: Record, skipping payload: [UInt8]?) -> Int? {
        skippingCount = payload?.count
        skippedAt = nil
        record.encode(to: &self)
        skippingCount = nil
        if skippedAt != nil { skippedCount += 1 }
        return skippedAt
    }

    mutating func writeHead(_ majorType: CBORMajorType, _ argument: UInt64) {
        base.writeHead(majorType, argument)
    }

    mutating func writeRaw(_ bytes: UnsafeRawBufferPointer) {
        if let skippingCount, skippedAt == nil, bytes.count == skippingCount {
            skippedAt = base.count
            return
        }
        base.writeRaw(bytes)
    }

    mutating func writeRawByte(_ byte: UInt8) {
        base.writeRawByte(byte)
    }
}

/// A sink that knows how many bytes it has taken.
protocol CBORByteCounting {
    /// Bytes counted or written so far.
    var count: Int { get }
}

extension CBORSizeCounter: CBORByteCounting {}
extension CBORBufferWriter: CBORByteCounting {}
