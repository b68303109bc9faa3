/// Answers one file-operation request; may be used from any thread, once.
public struct FileOperationReply: Sendable {
    let mux: Mux
    /// The id of the request being answered.
    public let requestID: UInt32

    /// Sends `response` as the FileResp for this request (its id is set here). Never waits for the
    /// outbound queue: the number of replies is bounded by the number of requests.
    ///
    /// - Throws: ``MuxError`` when nothing can be sent any more.
    public func send(_ response: FileOperationResponse) throws(MuxError) {
        var response = response
        response.id = requestID
        try mux.sendWithoutWaiting(.fileOperationResponse(response))
    }

    /// Sends `response` (a ReadAt answer whose data was left out) with `count` bytes of data moved
    /// from the pipe `descriptor` by `splice`, as ``FileOperationServer/readAt(_:splicingInto:pipeCapacity:)``
    /// left them; blocks until written. An empty payload needs no pipe: the response goes as is.
    ///
    /// - Returns: false, having sent nothing, when the mux cannot splice: read the bytes out of the
    ///   pipe into the response's data and ``send(_:)`` it.
    /// - Throws: ``MuxError`` when nothing can be sent any more.
    public func send(_ response: FileOperationResponse, splicingData count: Int, from descriptor: Int32)
        throws(MuxError) -> Bool
    {
        var response = response
        response.id = requestID
        guard count > 0 else {
            try mux.sendWithoutWaiting(.fileOperationResponse(response))
            return true
        }
        return try mux.sendSpliced(
            .fileOperationResponse(response, payloadCount: count), count: count, from: descriptor)
    }
}
