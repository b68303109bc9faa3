import CSystemExtras
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

// Frames whose payload moves from a pipe to the output inside the kernel: the agent's bulk output
// and ReadAt replies. The splicing caller takes the same writing role as the writer thread and the
// callers that write through, so frames never interleave.

extension FileDescriptorTransport {
    /// Writes a frame whose payload is spliced from `source` (see ``SplicingFrameTransport``).
    ///
    /// The caller takes the writing role (waiting while the writer thread or another caller holds
    /// it), first writes whatever the mux queued before, then the frame; frames queued meanwhile are
    /// left to the writer thread. Where the descriptors cannot splice, the payload is copied
    /// through a buffer instead, so the frame always completes.
    public func writeFrame(_ envelope: FrameEnvelope, payloadFrom source: Int32, count: Int) throws(TransportError) {
        try splicers.withLock { _ throws(TransportError) in
            let (endpoint, unwritten) = try claimForSplicer()
            var isSocket = outputIsSocket
            let failure =
                unwritten.flatMap { writeAll($0, isSocket: &isSocket) }
                ?? writeQueued(endpoint, isSocket: &isSocket)
                ?? writeAll(envelope.header[...], isSocket: &isSocket)
                ?? movePayload(from: source, count: count, isSocket: &isSocket)
                ?? writeAll(envelope.trailer[...], isSocket: &isSocket)
            if let failure {
                writeFailed(failure, endpoint)
                throw failure
            }
            let wakeWriter = state.withLock { state in
                _ = Self.stopWriting(&state)
                defer { state.isTakePending = false }
                return state.isTakePending || state.isClosing
            }
            if wakeWriter { writerWake.wake() }
        }
    }

    /// A splicing caller takes the writing role, with what a caller left unwritten; waits while
    /// someone else writes.
    private func claimForSplicer() throws(TransportError) -> (any FrameTransportEndpoint, ArraySlice<UInt8>?) {
        while true {
            let claim = try state.withLock {
                (state) throws(TransportError) -> (any FrameTransportEndpoint, ArraySlice<UInt8>?)? in
                guard let endpoint = state.endpoint, !state.isClosing, !state.hasWriteFailed else {
                    throw TransportError(.closed, "the transport is closed or failed; nothing more can be written")
                }
                if state.isWriting {
                    state.isSplicerWaiting = true
                    return nil
                }
                state.isWriting = true
                guard !state.unwritten.isEmpty else { return (endpoint, nil) }
                defer {
                    state.unwritten = []
                    state.unwrittenOffset = 0
                }
                return (endpoint, state.unwritten[state.unwrittenOffset...])
            }
            if let claim { return claim }
            writingReleased.wait()
        }
    }

    /// Writes every frame the endpoint has queued, waiting for the descriptor as needed.
    private func writeQueued(_ endpoint: any FrameTransportEndpoint, isSocket: inout Bool) -> TransportError? {
        while let bytes = endpoint.takeOutboundBytes() {
            if let error = writeAll(bytes[...], isSocket: &isSocket) { return error }
        }
        return nil
    }

    /// Moves `count` bytes from the pipe `source` to the output inside the kernel, or through a
    /// buffer where the two descriptors cannot splice.
    private func movePayload(from source: Int32, count: Int, isSocket: inout Bool) -> TransportError? {
        var remaining = count
        while remaining > 0 {
            let moved = mproxy_splice(source, nil, outputDescriptor, UInt(remaining))
            if moved > 0 {
                remaining -= moved
            } else if moved == 0 {
                return TransportError(.writeFailed, "the payload's pipe held fewer bytes than announced")
            } else if errno == EINVAL || errno == ENOSYS {
                return copyPayload(from: source, count: remaining, isSocket: &isSocket)
            } else if errno != EINTR && errno != EAGAIN {
                return TransportError(
                    .writeFailed, systemErrorNumber: errno, "writing to the peer failed; it closed the connection")
            }
        }
        return nil
    }

    /// Reads `count` bytes from `source` and writes them: splicing's fallback.
    private func copyPayload(from source: Int32, count: Int, isSocket: inout Bool) -> TransportError? {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: min(count, 128 << 10), alignment: 16)
        defer { buffer.deallocate() }
        var remaining = count
        while remaining > 0 {
            let result = read(source, buffer.baseAddress, min(remaining, buffer.count))
            if result > 0 {
                let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<result])
                if let error = writeAll(chunk, isSocket: &isSocket) { return error }
                remaining -= result
            } else if result == 0 {
                return TransportError(.writeFailed, "the payload's pipe held fewer bytes than announced")
            } else if errno != EINTR && errno != EAGAIN {
                return TransportError(.writeFailed, systemErrorNumber: errno, "reading the payload's pipe failed")
            }
        }
        return nil
    }
}
