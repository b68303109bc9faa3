// Data frames whose payload is spliced from a pipe (Mux.sendData(stream:splicing:from:)): the peer
// must receive exactly the bytes a queued frame would have made, in order with the frames queued
// around them, whether the kernel splices or the transport copies.

import AgentProto
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Spliced Data frames", .timeLimit(.minutes(1)))
struct SplicedDataTests {
    /// The bytes frame `index` of `stream` carries.
    private static func payload(stream: UInt32, index: Int, size: Int) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: Int(stream) &* 13 &+ index &* 5 &+ $0) }
    }

    private static func makePipe() throws -> (read: Int32, write: Int32) {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else {
            throw TransportError(.setupFailed, systemErrorNumber: errno, "pipe failed")
        }
        return (descriptors[0], descriptors[1])
    }

    /// A pipe holding `bytes` (at most what a pipe holds, 64 KiB), for the mux to splice from.
    private static func pipeHolding(_ bytes: [UInt8]) throws -> (read: Int32, write: Int32) {
        let source = try makePipe()
        let written = bytes.withUnsafeBytes { write(source.write, $0.baseAddress, $0.count) }
        #expect(written == bytes.count)
        return source
    }

    private static func readableByteCount(_ descriptor: Int32) -> Int32 {
        var count: Int32 = 0
        return ioctl(descriptor, UInt(FIONREAD), &count) == 0 ? count : -1
    }

    @Test(
        "The envelope around a payload is the Data frame's own encoding",
        arguments: [UInt32(0), 1, 2, 23, 24, 300, 70_000])
    func envelopeMatchesTheEncoder(stream: UInt32) {
        for count in [1, 23, 24, 255, 256, 65_535, 65_536, 128 << 10] {
            let payload = Self.payload(stream: stream, index: count, size: count)
            let envelope = FrameEnvelope.data(stream: stream, payloadCount: count)
            #expect(envelope.header + payload + envelope.trailer == Frame.data(stream: stream, payload).encodedBytes())
        }
    }

    @Test("The envelope around a ReadAt answer's data is the FileResp frame's own encoding")
    func fileResponseEnvelopeMatchesTheEncoder() {
        let responses = [
            FileOperationResponse(id: 1, count: 3),
            FileOperationResponse(id: 70_000, count: 3, isEndOfFile: true),
            FileOperationResponse(id: UInt32.max, errno: 5, errorMessage: "read /x: input/output error", count: 3),
        ]
        for response in responses {
            for count in [1, 24, 256 << 10] {
                var withData = response
                withData.data = Self.payload(stream: 9, index: count, size: count)
                withData.count = Int64(count)
                var withoutData = withData
                withoutData.data = []
                let envelope = FrameEnvelope.fileOperationResponse(withoutData, payloadCount: count)
                #expect(
                    envelope.header + withData.data + envelope.trailer
                        == Frame.fileOperationResponse(withData).encodedBytes())
            }
        }
    }

    @Test("A ReadAt spliced into a pipe answers as the copying ReadAt does, and the pipe holds its bytes")
    func splicedReadAtMatchesTheCopyingOne() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("readat-\(UUID().uuidString)").path
        defer { unlink(path) }
        let contents = Self.payload(stream: 4, index: 0, size: 100_000)
        try Data(contents).write(to: URL(fileURLWithPath: path))
        let server = FileOperationServer()
        let handle = server.handle(FileOperationRequest(id: 1, operation: .open, path: path)).handle
        let pipe = try Self.makePipe()
        defer {
            close(pipe.read)
            close(pipe.write)
        }
        // Whole, short at the end, past the end, and a closed handle (below).
        for (offset, size) in [(Int64(0), Int64(60_000)), (90_000, 20_000), (200_000, 10)] {
            let request = FileOperationRequest(id: 7, operation: .readAt, handle: handle, offset: offset, size: size)
            let copied = server.handle(request)
            let spliced = try #require(server.readAt(request, splicingInto: pipe.write, pipeCapacity: 64 << 10))
            #expect(spliced.splicedCount == copied.data.count)
            var answer = spliced.response
            answer.data = [UInt8](repeating: 0, count: spliced.splicedCount)
            let drained = answer.data.withUnsafeMutableBytes { Glibc.read(pipe.read, $0.baseAddress, $0.count) }
            #expect(drained == spliced.splicedCount)
            #expect(answer == copied)
        }
        // Larger than the pipe: not for splicing, nothing moved.
        let large = FileOperationRequest(id: 8, operation: .readAt, handle: handle, size: 70_000)
        #expect(server.readAt(large, splicingInto: pipe.write, pipeCapacity: 64 << 10) == nil)
        #expect(Self.readableByteCount(pipe.read) == 0)
        _ = server.handle(FileOperationRequest(id: 9, operation: .close, handle: handle))
        let closed = try #require(
            server.readAt(
                FileOperationRequest(id: 10, operation: .readAt, handle: handle, size: 10), splicingInto: pipe.write,
                pipeCapacity: 64 << 10))
        #expect(closed.splicedCount == 0)
        #expect(closed.response.errno == 9)
    }

    @Test("Spliced frames keep their place among queued frames, on one stream and across streams")
    func splicedAndQueuedFramesInterleave() async throws {
        let towardsReceiver = try Self.makePipe()
        let towardsSender = try Self.makePipe()
        let sender = Mux(
            transport: try FileDescriptorTransport(
                reading: towardsSender.read, writing: towardsReceiver.write, closesDescriptors: true))
        let receiver = Mux(
            transport: try FileDescriptorTransport(
                reading: towardsReceiver.read, writing: towardsSender.write, closesDescriptors: true))
        let streams: [UInt32] = [1, 2, 3]
        let frameCount = 60
        let sizes = [1, 900, 20 << 10, 64 << 10]
        var readers: [MuxStream] = []
        for stream in streams { readers.append(try receiver.openStream(stream)) }
        sender.start()
        receiver.start()

        let splicedCount = Mutex(0)
        for stream in streams {
            Thread {
                for index in 0..<frameCount {
                    let payload = Self.payload(
                        stream: stream, index: index, size: sizes[(index + Int(stream)) % sizes.count])
                    // Streams 1 and 2 alternate spliced and queued frames; stream 3 only queues.
                    if stream != 3 && index % 2 == 0, let source = try? Self.pipeHolding(payload) {
                        if (try? sender.sendData(stream: stream, splicing: payload.count, from: source.read)) == true {
                            splicedCount.withLock { $0 += 1 }
                        }
                        close(source.read)
                        close(source.write)
                    } else {
                        try? sender.sendBlocking(.data(stream: stream, payload))
                    }
                }
                try? sender.sendBlocking(.eof(stream: stream))
            }.start()
        }

        try await expectSlowReaders(Array(zip(streams, readers))) { stream in
            (0..<frameCount).flatMap {
                Self.payload(stream: stream, index: $0, size: sizes[($0 + Int(stream)) % sizes.count])
            }
        }
        // Half the frames of two streams went by splice.
        #expect(splicedCount.withLock { $0 } == frameCount)
        sender.close()
        receiver.close()
    }

    @Test("Where the output cannot take a splice, the payload is copied and the frame is the same")
    func copiesWhereSplicingIsRefused() throws {
        // splice(2) refuses a file opened for appending (EINVAL): the transport's fallback runs.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("spliced-\(UUID().uuidString)").path
        defer { unlink(path) }
        let output = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        try #require(output >= 0)
        let input = try Self.makePipe()
        let transport = try FileDescriptorTransport(reading: input.read, writing: output, closesDescriptors: true)
        let sender = Mux(transport: transport)
        sender.start()
        let payload = Self.payload(stream: 1, index: 0, size: 40 << 10)
        let source = try Self.pipeHolding(payload)
        defer {
            close(source.read)
            close(source.write)
        }
        try sender.sendWithoutWaiting(.data(stream: 2, [7]))
        #expect(try sender.sendData(stream: 1, splicing: payload.count, from: source.read))
        try sender.sendWithoutWaiting(.eof(stream: 1))
        sender.close()
        transport.waitUntilFinished()
        close(input.write)

        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let expected =
            Frame.data(stream: 2, [7]).encodedBytes() + Frame.data(stream: 1, payload).encodedBytes()
            + Frame.eof(stream: 1).encodedBytes()
        #expect(written == expected)
        #expect(Self.readableByteCount(source.read) == 0)
    }

    @Test("A mux whose observer sees what it sends does not splice, and the pipe keeps its bytes")
    func observedMuxDoesNotSplice() throws {
        struct Watcher: FrameObserver {
            func observe(_ frame: Frame, direction: FrameDirection) throws {}
        }
        try Self.withStartedSender(observer: Watcher()) { (sender: Mux, source: Int32) throws in
            #expect(try sender.sendData(stream: 1, splicing: 3, from: source) == false)
            #expect(Self.readableByteCount(source) == 3)
        }
    }

    @Test("After the mux closed, splicing throws and takes nothing from the pipe")
    func closedMuxRefusesToSplice() throws {
        try Self.withStartedSender { (sender: Mux, source: Int32) throws in
            sender.close()
            #expect(throws: MuxError.self) { try sender.sendData(stream: 1, splicing: 3, from: source) }
            #expect(Self.readableByteCount(source) == 3)
        }
    }

    /// Runs `body` with a started mux writing into a pipe nobody reads, and a pipe holding 3 bytes
    /// to splice from; closes everything afterwards.
    private static func withStartedSender(
        observer: (any FrameObserver)? = nil, _ body: (Mux, Int32) throws -> Void
    ) throws {
        let towardsPeer = try makePipe()
        let fromPeer = try makePipe()
        let source = try pipeHolding([1, 2, 3])
        defer {
            close(towardsPeer.read)
            close(fromPeer.write)
            close(source.read)
            close(source.write)
        }
        let sender = Mux(
            transport: try FileDescriptorTransport(
                reading: fromPeer.read, writing: towardsPeer.write, closesDescriptors: true),
            configuration: MuxConfiguration(observer: observer))
        sender.start()
        defer { sender.close() }
        try body(sender, source.read)
    }
}
