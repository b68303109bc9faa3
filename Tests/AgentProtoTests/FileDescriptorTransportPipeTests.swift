// FileDescriptorTransport over pipes, where callers write queued frames themselves while the pipe
// takes them at once and hand the rest to the writer thread: nothing may be lost, duplicated or
// reordered, whoever writes.

import AgentProto
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Two pipes, one per direction.
private struct PipePair {
    let towardsReceiver: (read: Int32, write: Int32)
    let towardsSender: (read: Int32, write: Int32)

    init() throws {
        var first: [Int32] = [-1, -1]
        var second: [Int32] = [-1, -1]
        guard pipe(&first) == 0, pipe(&second) == 0 else {
            throw TransportError(.setupFailed, systemErrorNumber: errno, "pipe failed")
        }
        towardsReceiver = (first[0], first[1])
        towardsSender = (second[0], second[1])
    }

    /// The sending side's mux: writes towards the receiver.
    func sender() throws -> Mux {
        Mux(
            transport: try FileDescriptorTransport(
                reading: towardsSender.read, writing: towardsReceiver.write, closesDescriptors: true))
    }

    /// The receiving side's mux.
    func receiver() throws -> Mux {
        Mux(
            transport: try FileDescriptorTransport(
                reading: towardsReceiver.read, writing: towardsSender.write, closesDescriptors: true))
    }
}

@Suite("FileDescriptorTransport over pipes", .timeLimit(.minutes(1)))
struct FileDescriptorTransportPipeTests {
    /// The bytes frame `index` of `stream` carries.
    private static func payload(stream: UInt32, index: Int, size: Int) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: Int(stream) &* 31 &+ index &* 7 &+ $0) }
    }

    @Test("Frames from four threads reach a slow reader whole and in order per stream, then EOF")
    func concurrentSendersAndASlowReader() async throws {
        let pipes = try PipePair()
        let sender = try pipes.sender()
        let receiver = try pipes.receiver()
        let streams: [UInt32] = [1, 2, 3, 4]
        let frameCount = 150
        let sizes = [1, 700, 16 << 10, 30 << 10, 70 << 10]  // small ones are written through, 70 KiB by the thread
        var readers: [MuxStream] = []
        for stream in streams { readers.append(try receiver.openStream(stream)) }
        sender.start()
        receiver.start()

        for stream in streams {
            Thread {
                for index in 0..<frameCount {
                    let size = sizes[(index + Int(stream)) % sizes.count]
                    try? sender.sendBlocking(
                        .data(stream: stream, Self.payload(stream: stream, index: index, size: size)))
                }
                try? sender.sendBlocking(.eof(stream: stream))
            }.start()
        }

        try await expectSlowReaders(Array(zip(streams, readers))) { stream in
            (0..<frameCount).flatMap {
                Self.payload(stream: stream, index: $0, size: sizes[($0 + Int(stream)) % sizes.count])
            }
        }
        sender.close()
        receiver.close()
    }

    @Test("Frames queued before close are all written, then the peer sees the end")
    func closeFlushesWhatWasQueued() async throws {
        let pipes = try PipePair()
        let sender = try pipes.sender()
        sender.start()
        let payload = Self.payload(stream: 1, index: 0, size: 300 << 10)
        // More than the pipe holds: most of it is still queued or unwritten when the mux closes.
        try sender.sendWithoutWaiting(.data(stream: 1, payload))
        try sender.sendWithoutWaiting(.eof(stream: 1))
        sender.close()

        let receiver = try pipes.receiver()
        let output = try receiver.openStream(1)
        receiver.start()
        var received: [UInt8] = []
        for try await chunk in output { received += chunk }
        #expect(received == payload)
        receiver.close()
    }
}
