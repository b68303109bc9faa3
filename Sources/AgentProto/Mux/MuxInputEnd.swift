/// How the peer's frames ended.
public enum MuxInputEnd: Hashable, Sendable {
    /// The peer closed its side between two frames: an orderly end.
    case clean
    /// The connection broke (read error, end inside a frame, malformed bytes) or this side closed it.
    case failed(MuxError)

    /// The error a caller still waiting for an answer gets.
    var errorForWaiters: MuxError {
        switch self {
        case .clean:
            MuxError(.connectionClosed, "the peer closed the connection before answering or ending its streams")
        case .failed(let error): error
        }
    }
}
