import CSystemExtras
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Carries a mux over a pair of file descriptors (the agent's stdin and stdout, a socketpair, the
/// pipes of a local child): one reader thread and one writer thread, each owning its descriptor.
///
/// The reader polls its descriptor and an eventfd, so pausing, resuming and closing never wait for
/// input. The writer takes everything queued at once and writes it with one call. Descriptors should
/// be blocking; a write to a pipe whose reader is gone raises SIGPIPE, so processes writing to pipes
/// ignore SIGPIPE (sockets are written with `MSG_NOSIGNAL`).
///
/// When the output is a pipe (the agent's stdout) or a socket, whoever queues a small frame while
/// nobody is writing writes it at once, as far as the descriptor takes it without waiting
/// (`RWF_NOWAIT`, `MSG_DONTWAIT`); only the rest goes to the writer thread. A reply then leaves without waking another thread, which is most
/// of what a small round trip costs. Bulk data still goes through the writer thread, unless its
/// sender splices it from a pipe (``writeFrame(_:payloadFrom:count:)``, in
/// FileDescriptorTransport+Splicing.swift, which shares the members not marked private).
public final class FileDescriptorTransport: SplicingFrameTransport {
    struct State: Sendable {
        var endpoint: (any FrameTransportEndpoint)?
        var isClosing = false
        var startedThreadCount = 0
        var finishedThreadCount = 0
        /// Whether callers may write queued frames themselves (the output is a socket, or a pipe that
        /// honours `RWF_NOWAIT`).
        var writesThrough = false
        /// Someone is taking and writing the mux's bytes: the writer thread or a caller.
        var isWriting = false
        /// Bytes were announced while someone else was writing: take again before letting go.
        var isTakePending = false
        /// What a caller could not write without waiting; the writer thread writes it first.
        var unwritten: [UInt8] = []
        var unwrittenOffset = 0
        var hasWriteFailed = false
        /// A splicing caller waits for the writing role (``writingReleased``).
        var isSplicerWaiting = false
    }

    /// The largest buffer a caller writes itself: replies and interactive output, not bulk data.
    static let writeThroughLimit = 32 << 10

    /// Who may write next.
    private enum WriterClaim {
        /// This caller writes.
        case claimed(any FrameTransportEndpoint)
        /// Someone else is writing and will take the new bytes too.
        case someoneWriting
        /// The writer thread must do it.
        case useThread
    }

    /// The descriptor frames are read from.
    public let inputDescriptor: Int32
    /// The descriptor frames are written to.
    public let outputDescriptor: Int32
    private let closesDescriptors: Bool
    /// Whether the output is a socket (written with `send`, never raising SIGPIPE).
    let outputIsSocket: Bool
    private let readBufferSize: Int
    private let readerWake: WakeDescriptor
    /// Runs tasks that prefer it on the reader thread (see ``ReceivingThreadExecutor``).
    private let readerThreadExecutor: ReceivingThreadExecutor
    let writerWake: WakeDescriptor
    let state = Mutex(State())
    /// Signalled as each thread finishes, for ``waitUntilFinished()``.
    private let allThreadsFinished = ThreadSignal()
    /// Signalled when the writing role is free and a splicing caller waits for it.
    let writingReleased = ThreadSignal()
    /// Splicing callers take turns, so at most one waits on ``writingReleased``.
    let splicers = Mutex(())

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
        var status = stat()
        let kind = fstat(outputDescriptor, &status) == 0 ? status.st_mode & S_IFMT : 0
        outputIsSocket = kind == S_IFSOCK
        state.withLock { $0.writesThrough = kind == S_IFIFO || kind == S_IFSOCK }
        let readerWake = try WakeDescriptor()
        self.readerWake = readerWake
        readerThreadExecutor = ReceivingThreadExecutor { readerWake.wake() }
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
            if state.withLock({ $0.startedThreadCount == 0 }) { readerThreadExecutor.stop() }
            endpoint.sendFailed(error)
            close()
        }
    }

    /// Writes what is queued now if nobody is writing and the pipe takes it without waiting;
    /// otherwise wakes the writer thread (or leaves it to whoever is writing).
    public func outboundBytesAvailable() {
        switch claimForCaller() {
        case .claimed(let endpoint): writeThrough(endpoint)
        case .someoneWriting: break
        case .useThread: writerWake.wake()
        }
    }

    /// The reader thread's executor.
    public var receivingExecutor: (any TaskExecutor)? { readerThreadExecutor }

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
            _ = allThreadsFinished.wait(
                milliseconds: Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000) + 1)
        }
        return true
    }

    private var isClosing: Bool { state.withLock { $0.isClosing } }

    /// Someone is writing, or bytes wait to be written: the reader then does not poll for input
    /// (see ``InputPolling``).
    private var isOutputBusy: Bool { state.withLock { $0.isWriting || !$0.unwritten.isEmpty } }

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
            readerThreadExecutor.stop()
            if closesDescriptors && inputDescriptor != outputDescriptor { closeDescriptor(inputDescriptor) }
            threadFinished()
        }
        var descriptors = [
            pollfd(fd: readerWake.descriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: inputDescriptor, events: Int16(POLLIN), revents: 0),
        ]
        var inputPolling = InputPolling()
        // The last read filled the buffer: a transfer is streaming.
        var wasStreaming = false
        while true {
            if isClosing {
                endpoint.receiveEnded(TransportError(.closed, "this side closed the transport"))
                return
            }
            readerThreadExecutor.runJobs()
            guard readerThreadExecutor.beginWaiting() else { continue }
            // While paused, poll only the wake-up descriptor: the unread bytes wait in the kernel.
            let isPaused = endpoint.isReceivingPaused
            let count: nfds_t = isPaused ? 1 : 2
            let expected = inputPolling.expectation(
                isAwaitingReply: endpoint.isAwaitingReply, isOnlyWaiting: !isPaused && !wasStreaming && !isOutputBusy)
            if let expected {
                _ = inputPolling.wait(
                    for: expected, input: inputDescriptor, wake: readerWake.descriptor, timeoutMilliseconds: -1)
            }
            // After a polling wait something is readable; this poll only says what.
            let ready = poll(&descriptors, count, expected == nil ? -1 : 0)
            readerThreadExecutor.endWaiting()
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
            wasStreaming = result == buffer.count
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
            switch claimForThread() {
            case .failed:
                return
            case .someoneWriting:
                break
            case .claimed(let unwritten):
                if let error = unwritten.flatMap({ writeAll($0, isSocket: &isSocket) }) {
                    writeFailed(error, endpoint)
                    return
                }
                repeat {
                    while let bytes = endpoint.takeOutboundBytes() {
                        if let error = writeAll(bytes[...], isSocket: &isSocket) {
                            writeFailed(error, endpoint)
                            return
                        }
                    }
                } while !releaseWriting()
                if isClosing { return }
            }
            if poll(&wake, 1, -1) > 0 { writerWake.drain() }
        }
    }

    private enum ThreadClaim {
        case claimed(ArraySlice<UInt8>?)
        case someoneWriting
        case failed
    }

    /// The writer thread takes the writing role, with what a caller left unwritten.
    private func claimForThread() -> ThreadClaim {
        state.withLock { state in
            if state.hasWriteFailed { return .failed }
            if state.isWriting {
                state.isTakePending = true
                return .someoneWriting
            }
            state.isWriting = true
            state.isTakePending = false
            guard !state.unwritten.isEmpty else { return .claimed(nil) }
            defer {
                state.unwritten = []
                state.unwrittenOffset = 0
            }
            return .claimed(state.unwritten[state.unwrittenOffset...])
        }
    }

    /// A caller takes the writing role if it may write through.
    private func claimForCaller() -> WriterClaim {
        state.withLock { state in
            if state.isWriting {
                state.isTakePending = true
                return .someoneWriting
            }
            guard state.writesThrough, !state.isClosing, !state.hasWriteFailed, state.unwritten.isEmpty,
                let endpoint = state.endpoint
            else { return .useThread }
            state.isWriting = true
            return .claimed(endpoint)
        }
    }

    /// Gives the writing role up, unless more bytes were announced meanwhile (then returns false:
    /// take again).
    private func releaseWriting() -> Bool {
        let (isReleased, wakeSplicer) = state.withLock { state in
            if state.isTakePending {
                state.isTakePending = false
                return (false, false)
            }
            return (true, Self.stopWriting(&state))
        }
        if wakeSplicer { writingReleased.signal() }
        return isReleased
    }

    /// Gives the writing role up; true when a splicing caller waits for it.
    static func stopWriting(_ state: inout State) -> Bool {
        state.isWriting = false
        defer { state.isSplicerWaiting = false }
        return state.isSplicerWaiting
    }

    /// Writes queued frames from the caller's thread while the pipe takes them at once; hands the
    /// rest, and the role, to the writer thread.
    private func writeThrough(_ endpoint: any FrameTransportEndpoint) {
        repeat {
            while let bytes = endpoint.takeOutboundBytes() {
                var written = 0
                // Bulk output is the writer thread's: it coalesces frames and may block on a full
                // pipe, where a caller would only manage part and hand over the rest.
                if bytes.count <= Self.writeThroughLimit {
                    switch writeWithoutWaiting(bytes) {
                    case .success(let count): written = count
                    case .failure(let error):
                        writeFailed(error, endpoint)
                        return
                    }
                }
                guard written < bytes.count else { continue }
                let wakeSplicer = state.withLock { state in
                    state.unwritten = bytes
                    state.unwrittenOffset = written
                    return Self.stopWriting(&state)
                }
                writerWake.wake()
                if wakeSplicer { writingReleased.signal() }
                return
            }
        } while !releaseWriting()
        if isClosing { writerWake.wake() }
    }

    /// Writes as much of `bytes` as the descriptor takes now. A kernel without `RWF_NOWAIT` for pipes
    /// turns writing through off: everything goes through the writer thread from then on.
    private func writeWithoutWaiting(_ bytes: [UInt8]) -> Result<Int, TransportError> {
        bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let pointer = buffer.baseAddress! + written
                let remaining = buffer.count - written
                let result =
                    outputIsSocket
                    ? send(outputDescriptor, pointer, remaining, Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL))
                    : mproxy_write_without_waiting(outputDescriptor, pointer, UInt(remaining))
                if result > 0 {
                    written += result
                    continue
                }
                if result == 0 { return .success(written) }
                switch errno {
                case EINTR: continue
                case EAGAIN: return .success(written)
                case EOPNOTSUPP, ENOSYS, EINVAL:
                    state.withLock { $0.writesThrough = false }
                    return .success(written)
                default:
                    return .failure(
                        TransportError(
                            .writeFailed, systemErrorNumber: errno,
                            "writing to the peer failed; it closed the connection"))
                }
            }
            return .success(written)
        }
    }

    /// Writing failed for good: the mux hears it once, and the writer thread stops.
    func writeFailed(_ error: TransportError, _ endpoint: any FrameTransportEndpoint) {
        let wakeSplicer = state.withLock { state in
            state.hasWriteFailed = true
            return Self.stopWriting(&state)
        }
        endpoint.sendFailed(error)
        writerWake.wake()
        if wakeSplicer { writingReleased.signal() }
    }

    func writeAll(_ bytes: ArraySlice<UInt8>, isSocket: inout Bool) -> TransportError? {
        bytes.withUnsafeBytes { writeAll($0, isSocket: &isSocket) }
    }

    func writeAll(_ buffer: UnsafeRawBufferPointer, isSocket: inout Bool) -> TransportError? {
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
