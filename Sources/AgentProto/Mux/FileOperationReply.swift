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
}
