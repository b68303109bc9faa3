#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// Carries a mux over a pair of file descriptors (the agent's stdin and stdout, a socketpair, the
/// pipes of a local child): one reader thread and one writer thread, each owning its descriptor.
///
/// The reader polls its descriptor and an eventfd, so pausing, resuming and closing never wait for
/// input. The writer takes everything queued at once and writes it with one call. Descriptors should
/// be blocking; a write to a pipe whose reader is gone raises SIGPIPE, so processes writing to pipes
/// ignore SIGPIPE (sockets are written with `MSG_NOSIGNAL`).
public final class FileDescriptorTransport: FrameTransport {
    private struct State: Sendable {
        var endpoint: (any FrameTransportEndpoint)?
        var isClosing = false
        var startedThreadCount = 0
        var finishedThreadCount = 0
    }

    /// The descriptor frames are read from.
    public let inputDescriptor: Int32
    /// The descriptor frames are written to.
    public let outputDescriptor: Int32
    private let closesDescriptors: Bool
    private let readBufferSize: Int
    private let readerWake: WakeDescriptor
    private let writerWake: WakeDescriptor
    private let state = Mutex(State())
    /// Signalled as each thread finishes, for ``waitUntilFinished()``.
    private let allThreadsFinished = ThreadSignal()

    /// Creates a transport; nothing moves until ``start(_:)``.
    ///
    /// - Parameters:
    ///   - inputDescriptor: read from; may equal `outputDescriptor` (a socket).
    ///   - outputDescriptor: written to.
    ///   - closesDescriptors: close each descriptor when its thread finishes (after ``close()`` or the
    ///     end of input), which is how the peer sees the end of our output.
    ///   - readBufferSize: the largest read.
    /// - Throws: ``TransportError`` when the wake-up eventfds cannot be created.
    public init(
        reading inputDescriptor: Int32, writing outputDescriptor: Int32, closesDescriptors: Bool = false,
        readBufferSize: Int = 64 * 1024
    ) throws(TransportError) {
        self.inputDescriptor = inputDescriptor
        self.outputDescriptor = outputDescriptor
        self.closesDescriptors = closesDescriptors
        self.readBufferSize = max(1, readBufferSize)
        readerWake = try WakeDescriptor()
        do {
            writerWake = try WakeDescriptor()
        } catch {
            readerWake.close()
            throw error
        }
    }

    deinit {
        readerWake.close()
        writerWake.close()
    }

    /// Starts the reader and writer threads for `endpoint`; a second call does nothing.
    public func start(_ endpoint: any FrameTransportEndpoint) {
        let isFirst = state.withLock { state in
            guard state.endpoint == nil else { return false }
            state.endpoint = endpoint
            return true
        }
        guard isFirst else { return }
        // The threads are detached, so a closed transport leaves nothing behind for anyone to join;
        // `waitUntilFinished()` waits for them through `allThreadsFinished` instead.
        do {
            try IOThread.start(name: "mux-reader") { [self] in readLoop(endpoint) }.detach()
            state.withLock { $0.startedThreadCount += 1 }
            try IOThread.start(name: "mux-writer") { [self] in writeLoop(endpoint) }.detach()
            state.withLock { $0.startedThreadCount += 1 }
        } catch {
            endpoint.sendFailed(error)
            close()
        }
    }

    /// Wakes the writer thread.
    public func outboundBytesAvailable() {
        writerWake.wake()
    }

    /// Wakes the reader thread, which checks whether it may read again.
    public func resumeReceiving() {
        readerWake.wake()
    }

    /// Stops reading at once and writing once the queue is flushed; the threads then finish.
    public func close() {
        state.withLock { $0.isClosing = true }
        readerWake.wake()
        writerWake.wake()
    }

    /// Blocks until both threads have finished: after ``close()`` the writer has flushed what was
    /// queued. Call it from a thread of your own (the agent's main thread before exiting), never from
    /// the transport's threads, a handler, or the cooperative pool.
    public func waitUntilFinished() {
        while state.withLock({ $0.finishedThreadCount < $0.startedThreadCount }) {
            allThreadsFinished.wait()
        }
    }

    /// Like ``waitUntilFinished()``, but gives up after `milliseconds`: a peer that stopped reading
    /// must not keep a closing process alive.
    ///
    /// - Returns: true when both threads finished in time.
    public func waitUntilFinished(milliseconds: Int) -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(milliseconds)
        while state.withLock({ $0.finishedThreadCount < $0.startedThreadCount }) {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { return false }
            let (seconds, attoseconds) = remaining.components
            _ = allThreadsFinished.wait(milliseconds: Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000) + 1)
        }
        return true
    }

    private var isClosing: Bool { state.withLock { $0.isClosing } }

    private func threadFinished() {
        let isLast = state.withLock { state in
            state.finishedThreadCount += 1
            return state.finishedThreadCount == 2
        }
        if isLast && closesDescriptors && inputDescriptor == outputDescriptor { closeDescriptor(inputDescriptor) }
        allThreadsFinished.signal()
    }

    private func readLoop(_ endpoint: any FrameTransportEndpoint) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: readBufferSize, alignment: 16)
        defer {
            buffer.deallocate()
            if closesDescriptors && inputDescriptor != outputDescriptor { closeDescriptor(inputDescriptor) }
            threadFinished()
        }
        var descriptors = [
            pollfd(fd: readerWake.descriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: inputDescriptor, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            if isClosing {
                endpoint.receiveEnded(TransportError(.closed, "this side closed the transport"))
                return
            }
            // While paused, poll only the wake-up descriptor: the unread bytes wait in the kernel.
            let count: nfds_t = endpoint.isReceivingPaused ? 1 : 2
            let ready = poll(&descriptors, count, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                endpoint.receiveEnded(TransportError(.readFailed, systemErrorNumber: errno, "poll failed"))
                return
            }
            if descriptors[0].revents != 0 {
                readerWake.drain()
                continue
            }
            guard count == 2, descriptors[1].revents != 0 else { continue }
            let result = read(inputDescriptor, buffer.baseAddress, buffer.count)
            if result > 0 {
                endpoint.receive(UnsafeRawBufferPointer(rebasing: buffer[0..<result]))
            } else if result == 0 {
                endpoint.receiveEnded(nil)
                return
            } else if errno != EINTR && errno != EAGAIN {
                endpoint.receiveEnded(
                    TransportError(.readFailed, systemErrorNumber: errno, "reading from the peer failed"))
                return
            }
        }
    }

    private func writeLoop(_ endpoint: any FrameTransportEndpoint) {
        defer {
            if closesDescriptors {
                // The peer sees the end of our output now; a shared socket is closed by the last thread,
                // so the reader never polls a descriptor number the process may have reused.
                if inputDescriptor == outputDescriptor {
                    _ = shutdown(outputDescriptor, Int32(SHUT_WR))
                } else {
                    closeDescriptor(outputDescriptor)
                }
            }
            threadFinished()
        }
        var isSocket = true
        var wake = pollfd(fd: writerWake.descriptor, events: Int16(POLLIN), revents: 0)
        while true {
            while let bytes = endpoint.takeOutboundBytes() {
                if let error = writeAll(bytes, isSocket: &isSocket) {
                    endpoint.sendFailed(error)
                    return
                }
            }
            if isClosing { return }
            if poll(&wake, 1, -1) > 0 { writerWake.drain() }
        }
    }

    private func writeAll(_ bytes: [UInt8], isSocket: inout Bool) -> TransportError? {
        bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let pointer = buffer.baseAddress.map { $0 + written }
                let remaining = buffer.count - written
                var result = isSocket ? send(outputDescriptor, pointer, remaining, Int32(MSG_NOSIGNAL)) : -1
                if isSocket && result < 0 && errno == ENOTSOCK { isSocket = false }
                if !isSocket { result = write(outputDescriptor, pointer, remaining) }
                if result >= 0 {
                    written += result
                } else if errno != EINTR && errno != EAGAIN {
                    return TransportError(
                        .writeFailed, systemErrorNumber: errno, "writing to the peer failed; it closed the connection")
                }
            }
            return nil
        }
    }
}
