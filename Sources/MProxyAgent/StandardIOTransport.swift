// The agent's transport: the mux's bytes on its own stdin (fd 0) and stdout (fd 1), one reader
// thread and one writer thread that own those descriptors (DESIGN.md §5).

import AgentProto
import Glibc
import Synchronization

/// Carries the mux over a pair of file descriptors with two dedicated threads.
final class StandardIOTransport: FrameTransport {
    private struct State {
        var endpoint: (any FrameTransportEndpoint)?
        var isClosing = false
        var isWriterDone = false
    }

    private let input: CInt
    private let output: CInt
    private let state = Mutex(State())
    private let writerWake = BlockingSignal()
    private let readerResume = BlockingSignal()
    /// Raised when the writer has written everything it was given after `close()`, or failed.
    let drained = BlockingSignal()

    init(input: CInt = 0, output: CInt = 1) {
        self.input = input
        self.output = output
    }

    func start(_ endpoint: any FrameTransportEndpoint) {
        state.withLock { $0.endpoint = endpoint }
        AgentThread.detach { [self] in readLoop(endpoint) }
        AgentThread.detach { [self] in writeLoop(endpoint) }
    }

    func outboundBytesAvailable() { writerWake.raise() }

    func resumeReceiving() { readerResume.raise() }

    func close() {
        state.withLock { $0.isClosing = true }
        writerWake.raise()
    }

    private func readLoop(_ endpoint: any FrameTransportEndpoint) {
        let capacity = 256 << 10
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            while endpoint.isReceivingPaused { readerResume.waitAndLower() }
            let count = read(input, buffer.baseAddress, capacity)
            if count > 0 {
                endpoint.receive(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            } else if count == 0 {
                endpoint.receiveEnded(nil)
                return
            } else if errno != EINTR {
                endpoint.receiveEnded(TransportFailure(operation: "read", code: errno))
                return
            }
        }
    }

    private func writeLoop(_ endpoint: any FrameTransportEndpoint) {
        defer { drained.raise() }
        while true {
            while let bytes = endpoint.takeOutboundBytes() {
                if let failure = writeAll(bytes) {
                    endpoint.sendFailed(failure)
                    return
                }
            }
            if state.withLock({ $0.isClosing }) {
                // One last look: frames queued between the take above and the close.
                guard let bytes = endpoint.takeOutboundBytes() else { return }
                if let failure = writeAll(bytes) {
                    endpoint.sendFailed(failure)
                    return
                }
                continue
            }
            writerWake.waitAndLower()
        }
    }

    private func writeAll(_ bytes: [UInt8]) -> TransportFailure? {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(output, raw.baseAddress! + offset, raw.count - offset)
                if written >= 0 {
                    offset += written
                } else if errno != EINTR {
                    return TransportFailure(operation: "write", code: errno)
                }
            }
            return nil
        }
    }
}

/// A read or write on the agent's stdin/stdout failed.
struct TransportFailure: Error, CustomStringConvertible {
    var operation: String
    var code: Int32
    var description: String { "\(operation) on the agent's standard I/O: \(errnoText(code))" }
}
