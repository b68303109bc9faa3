// Frame keys in RFC 7049 canonical order (length first, then bytewise): c d e i l q s t x hi cfg fop frp sig
// (`hi` is the negotiated hello extension, PROTOCOL.md).

extension Frame: CBOREncodable {
    public func encode<Sink: CBORSink>(to sink: inout Sink) {
        var count = 1
        if code != 0 { count += 1 }
        if !data.isEmpty { count += 1 }
        if !error.isEmpty { count += 1 }
        if pathInfo != nil { count += 1 }
        if log != nil { count += 1 }
        if pathQuery != nil { count += 1 }
        if stream != 0 { count += 1 }
        if exec != nil { count += 1 }
        if hello != nil { count += 1 }
        if configuration != nil { count += 1 }
        if fileOperation != nil { count += 1 }
        if fileOperationResponse != nil { count += 1 }
        if signal != 0 { count += 1 }
        sink.writeMapHeader(count: count)
        if code != 0 {
            sink.writeText("c")
            sink.writeSigned(code)
        }
        if !data.isEmpty {
            sink.writeText("d")
            sink.writeBytes(data)
        }
        if !error.isEmpty {
            sink.writeText("e")
            sink.writeText(error)
        }
        if let pathInfo {
            sink.writeText("i")
            sink.write(pathInfo)
        }
        if let log {
            sink.writeText("l")
            sink.write(log)
        }
        if let pathQuery {
            sink.writeText("q")
            sink.write(pathQuery)
        }
        if stream != 0 {
            sink.writeText("s")
            sink.writeUnsigned(stream)
        }
        sink.writeText("t")
        sink.writeUnsigned(type.rawValue)
        if let exec {
            sink.writeText("x")
            sink.write(exec)
        }
        if let hello {
            sink.writeText("hi")
            sink.write(hello)
        }
        if let configuration {
            sink.writeText("cfg")
            sink.write(configuration)
        }
        if let fileOperation {
            sink.writeText("fop")
            sink.write(fileOperation)
        }
        if let fileOperationResponse {
            sink.writeText("frp")
            sink.write(fileOperationResponse)
        }
        if signal != 0 {
            sink.writeText("sig")
            sink.writeSigned(signal)
        }
    }
}

extension Frame: CBORDecodable {
    public init(from reader: inout CBORReader) throws(FrameDecodingError) {
        self.init(type: FrameType(rawValue: 0), payloads: nil)
        guard var map = try reader.beginMap() else { return }
        // Collected apart and boxed once at the end, not through the setters one by one.
        var payloads = Payloads()
        while let key = try reader.nextKey(in: &map) {
            do throws(FrameDecodingError) {
                switch key {
                case "t": type = FrameType(rawValue: try reader.readUnsigned())
                case "s": stream = try reader.readUnsigned()
                case "d": data = try reader.readBytes()
                case "c": code = try reader.readSigned()
                case "e": error = try reader.readText()
                case "sig": signal = try reader.readSigned()
                default:
                    if try !payloads.decodeField(key, from: &reader) { try reader.skipItem() }
                }
            } catch {
                throw error.inField(key.name)
            }
        }
        if !payloads.isEmpty { box = PayloadBox(payloads) }
    }
}

extension Frame.Payloads {
    /// Decodes the payload field `key` names; false when it names none.
    mutating func decodeField(_ key: CBORMapKey, from reader: inout CBORReader) throws(FrameDecodingError) -> Bool {
        switch key {
        case "x": exec = try reader.readOptional(ExecRequest.self)
        case "l": log = try reader.readOptional(LogRecord.self)
        case "q": pathQuery = try reader.readOptional(PathQuery.self)
        case "i": pathInfo = try reader.readOptional(PathInfo.self)
        case "hi": hello = try reader.readOptional(AgentHello.self)
        case "cfg": configuration = try reader.readOptional(AgentConfiguration.self)
        case "fop": fileOperation = try reader.readOptional(FileOperationRequest.self)
        case "frp": fileOperationResponse = try reader.readOptional(FileOperationResponse.self)
        default: return false
        }
        return true
    }
}
