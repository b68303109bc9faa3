// A FrameTransport over two pipe descriptors, one reader and one writer thread (test side).

import AgentProto
import Foundation
import Synchronization

final class PipeTransport: FrameTransport, @unchecked Sendable {
    private let input: Int32
    private let output: Int32
    private let keepAlive: [Pipe]
    private let wake = DispatchSemaphore(value: 0)
    private let resume = DispatchSemaphore(value: 0)
    private let closing = Mutex(false)

    init(input: Int32, output: Int32, keepAlive: [Pipe]) {
        self.input = input
        self.output = output
        self.keepAlive = keepAlive
    }

    func start(_ endpoint: any FrameTransportEndpoint) {
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 256 << 10)
            while true {
                while endpoint.isReceivingPaused { resume.wait() }
                let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
                if count > 0 {
                    buffer.withUnsafeBytes { endpoint.receive(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
                } else if count == 0 {
                    endpoint.receiveEnded(nil)
                    return
                } else if errno != EINTR {
                    endpoint.receiveEnded(POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO))
                    return
                }
            }
        }
        Thread.detachNewThread { [self] in
            while true {
                let isClosing = closing.withLock { $0 }
                var wroteSomething = false
                while let bytes = endpoint.takeOutboundBytes() {
                    wroteSomething = true
                    var offset = 0
                    while offset < bytes.count {
                        let written = bytes.withUnsafeBytes {
                            write(output, $0.baseAddress! + offset, $0.count - offset)
                        }
                        if written < 0 {
                            if errno == EINTR { continue }
                            endpoint.sendFailed(POSIXError(.EPIPE))
                            return
                        }
                        offset += written
                    }
                }
                if isClosing && !wroteSomething {
                    shutdownOutput()
                    return
                }
                if !isClosing { wake.wait() }
            }
        }
    }

    func outboundBytesAvailable() { wake.signal() }
    func resumeReceiving() { resume.signal() }

    func close() {
        closing.withLock { $0 = true }
        wake.signal()
    }

    /// Closes both directions at once, with nothing flushed.
    func disconnect() {
        closing.withLock { $0 = true }
        try? keepAlive[0].fileHandleForWriting.close()
        try? keepAlive[1].fileHandleForReading.close()
        wake.signal()
    }

    private func shutdownOutput() {
        try? keepAlive[0].fileHandleForWriting.close()
    }
}
