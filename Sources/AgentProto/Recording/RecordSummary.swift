/// What the one-pass index needs from a record, read without copying payloads: the type, the
/// command, the time, and for frames their direction, stream, payload size and exit details.
///
/// Header, footer, CommandStart and CommandEnd records are few and are decoded whole; frames, the
/// bulk of a file, are walked and their payload skipped by length.
struct RecordSummary: CBORDecodable {
    var type = RecordType(rawValue: 0)
    var header: SessionHeader?
    var footer: SessionFooter?
    var commandStart: CommandStart?
    var commandEnd: CommandEnd?
    var sequence: UInt32 = 0
    var timestamp: Int64 = 0
    var direction = FrameDirection(rawValue: 0)
    var frameType = FrameType(rawValue: 0)
    var stream: UInt32 = 0
    var dataLength = 0
    var exitCode = 0
    var signal = 0
    var errorText = ""

    init(from reader: inout CBORReader) throws(FrameDecodingError) {
        guard var map = try reader.beginMap() else { return }
        while let key = try reader.nextKey(in: &map) {
            do throws(FrameDecodingError) {
                switch key {
                case "type": type = RecordType(rawValue: try reader.readUnsigned())
                case "frame": try readRecordedFrame(&reader)
                case "header": header = try reader.readOptional(SessionHeader.self)
                case "footer": footer = try reader.readOptional(SessionFooter.self)
                case "cmd_start": commandStart = try reader.readOptional(CommandStart.self)
                case "cmd_end": commandEnd = try reader.readOptional(CommandEnd.self)
                default: try reader.skipItem()
                }
            } catch {
                throw error.inField(key.name)
            }
        }
        switch type {
        case .sessionHeader: timestamp = header?.startTime ?? 0
        case .sessionFooter: timestamp = footer?.endTime ?? 0
        case .commandStart:
            sequence = commandStart?.sequence ?? 0
            timestamp = commandStart?.startTime ?? 0
        case .commandEnd:
            sequence = commandEnd?.sequence ?? 0
            timestamp = commandEnd?.endTime ?? 0
        default: break
        }
    }

    private mutating func readRecordedFrame(_ reader: inout CBORReader) throws(FrameDecodingError) {
        guard var map = try reader.beginMap() else { return }
        while let key = try reader.nextKey(in: &map) {
            do throws(FrameDecodingError) {
                switch key {
                case "ts": timestamp = try reader.readSigned()
                case "dir": direction = FrameDirection(rawValue: try reader.readUnsigned())
                case "seq": sequence = try reader.readUnsigned()
                case "frame": try readFrame(&reader)
                default: try reader.skipItem()
                }
            } catch {
                throw error.inField(key.name)
            }
        }
    }

    private mutating func readFrame(_ reader: inout CBORReader) throws(FrameDecodingError) {
        guard var map = try reader.beginMap() else { return }
        while let key = try reader.nextKey(in: &map) {
            do throws(FrameDecodingError) {
                switch key {
                case "t": frameType = FrameType(rawValue: try reader.readUnsigned())
                case "s": stream = try reader.readUnsigned()
                case "d":
                    let head = try reader.peekHead()
                    if head.majorType == .byteString, !head.isIndefinite {
                        dataLength = Int(clamping: head.argument)
                    }
                    try reader.skipItem()
                case "c": exitCode = try reader.readSigned()
                case "sig": signal = try reader.readSigned()
                case "e": errorText = try reader.readText()
                default: try reader.skipItem()
                }
            } catch {
                throw error.inField(key.name)
            }
        }
    }
}
