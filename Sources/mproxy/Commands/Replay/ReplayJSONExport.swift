import AgentProto

/// `--json`: every selected record as one JSON line. A frame record becomes the frame in the
/// `mproxy frames` format plus `seq`, `dir` and `ts`; other records are printed as
/// `mproxy frames decode --records` prints them.
enum ReplayJSONExport {
    static func line(for record: Record) -> String {
        guard record.type == .frame, let recorded = record.frame,
            let value = try? CBORValue(cborBytes: recorded.frame.encodedBytes()),
            case .object(var members) = value.json
        else {
            return record.jsonLine()
        }
        members.append(JSONMember("seq", .number(String(recorded.sequence))))
        members.append(JSONMember("dir", .number(String(recorded.direction.rawValue))))
        members.append(JSONMember("ts", .number(String(recorded.timestamp))))
        return JSONWriter.text(of: .object(members))
    }
}
