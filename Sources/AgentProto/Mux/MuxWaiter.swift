/// A caller parked in the mux, and how to wake it.
enum MuxWaiter: Sendable {
    case streamReader(stream: UInt32, CheckedContinuation<[UInt8]?, any Error>)
    case blockingStreamReader(stream: UInt32, BlockingResult<[UInt8]?>)
    case sender(CheckedContinuation<Void, any Error>)
    case blockingSender(BlockingResult<Void>)
    /// Unsafe, not checked: the state machine resumes each request exactly once, and a checked
    /// continuation's allocation is measurable in a 20 µs round trip.
    case fileOperation(requestID: UInt32, UnsafeContinuation<FileOperationResponse, any Error>)
    case pathQuery(CheckedContinuation<PathInfo, any Error>)
    case exit(CheckedContinuation<MuxExitStatus, any Error>)

    /// Wakes a stream reader with a chunk, or `nil` for the end of the stream.
    func resume(chunk: [UInt8]?) {
        switch self {
        case .streamReader(_, let continuation): continuation.resume(returning: chunk)
        case .blockingStreamReader(_, let result): result.deliver(.success(chunk))
        default: assertionFailure("a chunk for a waiter that does not read a stream")
        }
    }

    /// Wakes a parked sender.
    func resumeSender() {
        switch self {
        case .sender(let continuation): continuation.resume()
        case .blockingSender(let result): result.deliver(.success(()))
        default: assertionFailure("a send resumption for a waiter that does not send")
        }
    }

    /// Fails the waiter with `error` (a ``MuxError`` or `CancellationError`).
    func fail(_ error: any Error) {
        let muxError = error as? MuxError ?? MuxError(.closed, "the wait was cancelled", cause: nil)
        switch self {
        case .streamReader(_, let continuation): continuation.resume(throwing: error)
        case .blockingStreamReader(_, let result): result.deliver(.failure(muxError))
        case .sender(let continuation): continuation.resume(throwing: error)
        case .blockingSender(let result): result.deliver(.failure(muxError))
        case .fileOperation(_, let continuation): continuation.resume(throwing: error)
        case .pathQuery(let continuation): continuation.resume(throwing: error)
        case .exit(let continuation): continuation.resume(throwing: error)
        }
    }
}
