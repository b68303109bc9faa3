import AgentProto
import Testing

/// The Go reference encoder's vectors: decoding gives the documented values and encoding gives the
/// exact bytes, through every entry point the library has.
@Suite("Golden vectors")
struct GoldenVectorTests {
    @Test("there are 129 vectors covering every kind")
    func vectorSetIsComplete() {
        #expect(GoldenVector.all.count == 129)
        #expect(Set(GoldenVector.all.map(\.kind)) == ["frame", "frames", "record", "recording"])
    }

    @Test("decoding gives the documented values", arguments: GoldenVector.all)
    func decodeMatchesDocumentedValues(vector: GoldenVector) throws {
        let lines =
            vector.isRecord
            ? try decodeAll(Record.self, from: vector.bytes).map { $0.jsonLine() }
            : try decodeAll(Frame.self, from: vector.bytes).map { $0.jsonLine() }
        #expect(lines == vector.decodedLines)
    }

    @Test("encoding the decoded values gives the exact bytes", arguments: GoldenVector.all)
    func encodeReproducesBytes(vector: GoldenVector) throws {
        let encoded =
            vector.isRecord
            ? CBORStreamEncoder.encode(try decodeAll(Record.self, from: vector.bytes))
            : CBORStreamEncoder.encode(try decodeAll(Frame.self, from: vector.bytes))
        #expect(encoded == vector.bytes)
    }

    @Test("values built from the JSON form encode to the exact bytes", arguments: GoldenVector.all)
    func encodeFromJSON(vector: GoldenVector) throws {
        var encoded: [UInt8] = []
        for line in vector.decodedLines {
            let generic = try CBORValue(json: try JSONParser.parse(line)).encodedBytes()
            encoded +=
                vector.isRecord
                ? try Record(cborBytes: generic).encodedBytes() : try Frame(cborBytes: generic).encodedBytes()
        }
        #expect(encoded == vector.bytes)
    }

    @Test("feeding one byte at a time gives the same items", arguments: GoldenVector.all)
    func byteAtATime(vector: GoldenVector) throws {
        if vector.isRecord {
            #expect(
                try decodeAll(Record.self, from: vector.bytes, chunkSize: 1)
                    == decodeAll(Record.self, from: vector.bytes))
        } else {
            #expect(
                try decodeAll(Frame.self, from: vector.bytes, chunkSize: 1)
                    == decodeAll(Frame.self, from: vector.bytes))
        }
    }

    @Test("every frame vector in one buffer decodes in order, at any chunk size", arguments: [1, 7, 4096, Int.max])
    func allFramesInOneBuffer(chunkSize: Int) throws {
        let vectors = GoldenVector.all.filter { !$0.isRecord }
        let expected = vectors.flatMap(\.decodedLines)
        let frames = try decodeAll(Frame.self, from: vectors.flatMap(\.bytes), chunkSize: chunkSize)
        #expect(frames.map { $0.jsonLine() } == expected)
    }

    @Test("the golden vectors are canonical: re-encoding each item gives its own bytes back")
    func vectorsAreCanonical() throws {
        for vector in GoldenVector.all where !vector.isRecord {
            var decoder = FrameDecoder()
            decoder.append(vector.bytes)
            while let (frame, bytes, _) = try decoder.nextWithBytes() {
                #expect(frame.encodedBytes() == bytes, "\(vector.name)")
            }
        }
    }

    @Test("a partial frame leaves the buffer untouched until it completes")
    func partialFrameIsNotConsumed() throws {
        let bytes = try #require(GoldenVector.all.first { $0.name == "exec_basic" }).bytes
        var decoder = FrameDecoder()
        decoder.append(Array(bytes.dropLast()))
        #expect(try decoder.next() == nil)
        #expect(decoder.bufferedByteCount == bytes.count - 1)
        #expect(decoder.consumedByteCount == 0)
        decoder.append([bytes.last!])
        #expect(try decoder.next() != nil)
        #expect(decoder.consumedByteCount == bytes.count)
    }
}
