import Synchronization

/// Two connected in-memory transports, for tests: what one side writes the other receives.
///
/// Like a socket pair with no kernel buffer: bytes move only when the receiver is not paused, so
/// back-pressure reaches the sender's outbound queue. One thread per direction carries the bytes,
/// optionally cut into pieces of at most `maximumChunkSize` bytes to exercise partial frames.
public struct InMemoryTransportPair: Sendable {
    /// One end.
    public let first: InMemoryTransport
    /// The other end.
    public let second: InMemoryTransport
    private let connection: InMemoryConnection

    /// Creates a connected pair.
    ///
    /// - Parameter maximumChunkSize: the largest piece handed to a receiver at once (1 feeds frames
    ///   byte by byte).
    public init(maximumChunkSize: Int = .max) {
        connection = InMemoryConnection(maximumChunkSize: max(1, maximumChunkSize))
        first = InMemoryTransport(connection: connection, side: 0)
        second = InMemoryTransport(connection: connection, side: 1)
    }

    /// Cuts the connection as a network failure would: both sides' inputs end with `disconnected`
    /// and their sends fail.
    public func disconnect() {
        connection.disconnect()
    }
}

/// One end of an ``InMemoryTransportPair``.
public struct InMemoryTransport: FrameTransport {
    let connection: InMemoryConnection
    let side: Int

    public func start(_ endpoint: any FrameTransportEndpoint) {
        connection.start(side: side, endpoint)
    }

    public func outboundBytesAvailable() {
        connection.wake(towards: 1 - side)
    }

    public func resumeReceiving() {
        connection.wake(towards: side)
    }

    /// Flushes this side's queued bytes to the peer, which then sees a clean end of input; this
    /// side's input ends with `closed`.
    public func close() {
        connection.close(side: side)
    }
}

/// The shared state of an in-memory pair and its two carrier threads.
final class InMemoryConnection: Sendable {
    struct Side: Sendable {
        var endpoint: (any FrameTransportEndpoint)?
        var isClosed = false
    }

    struct State: Sendable {
        var sides = [Side(), Side()]
        var disconnection: TransportError?
        var isCarrying = [false, false]
    }

    let maximumChunkSize: Int
    let state = Mutex(State())
    /// Wakes the thread carrying bytes towards side 0 and side 1.
    let signals = [ThreadSignal(), ThreadSignal()]

    init(maximumChunkSize: Int) {
        self.maximumChunkSize = maximumChunkSize
    }

    func start(side: Int, _ endpoint: any FrameTransportEndpoint) {
        let startCarrier = state.withLock { state in
            state.sides[side].endpoint = endpoint
            defer { state.isCarrying[side] = true }
            return !state.isCarrying[side]
        }
        if startCarrier {
            do {
                try IOThread.start(name: "memory-carrier") { [self] in carry(towards: side) }.detach()
            } catch {
                endpoint.receiveEnded(error)
            }
        }
        wake(towards: 0)
        wake(towards: 1)
    }

    func wake(towards side: Int) {
        signals[side].signal()
    }

    func close(side: Int) {
        state.withLock { $0.sides[side].isClosed = true }
        wake(towards: 0)
        wake(towards: 1)
    }

    func disconnect() {
        state.withLock { state in
            if state.disconnection == nil {
                state.disconnection = TransportError(.disconnected, "the in-memory connection was cut")
            }
        }
        wake(towards: 0)
        wake(towards: 1)
    }

    /// Moves bytes from the other side to `receiver` until either side ends.
    ///
    /// Once the receiver is gone (closed, or the connection cut) its input ends once; the sender's
    /// next bytes then fail to send, as a write to a closed socket does.
    private func carry(towards receiver: Int) {
        let sender = 1 - receiver
        var hasEndedInput = false
        while true {
            signals[receiver].wait()
            while true {
                let snapshot = state.withLock { $0 }
                let target = snapshot.sides[receiver].endpoint
                let source = snapshot.sides[sender].endpoint
                let gone: TransportError? =
                    snapshot.disconnection
                    ?? (snapshot.sides[receiver].isClosed
                        ? TransportError(.closed, "this side closed the connection") : nil)
                if let gone {
                    if !hasEndedInput {
                        hasEndedInput = true
                        target?.receiveEnded(gone)
                    }
                    guard let source, source.takeOutboundBytes() != nil else { break }
                    source.sendFailed(
                        snapshot.disconnection ?? TransportError(.writeFailed, "the peer closed the connection"))
                    return
                }
                guard let target else { break }
                // The sender may not have started yet; its bytes will wait in its own queue.
                guard let source else {
                    if snapshot.sides[sender].isClosed { target.receiveEnded(nil); return }
                    break
                }
                if target.isReceivingPaused { break }
                guard let bytes = source.takeOutboundBytes() else {
                    if snapshot.sides[sender].isClosed {
                        target.receiveEnded(nil)
                        hasEndedInput = true
                    }
                    break
                }
                deliver(bytes, to: target)
            }
        }
    }

    private func deliver(_ bytes: [UInt8], to target: any FrameTransportEndpoint) {
        bytes.withUnsafeBytes { buffer in
            var start = 0
            while start < buffer.count {
                let end = min(buffer.count, start + min(maximumChunkSize, buffer.count - start))
                target.receive(UnsafeRawBufferPointer(rebasing: buffer[start..<end]))
                start = end
            }
        }
    }
}
