import AgentProto
import ArgumentParser

/// `mproxy frames decode`: back-to-back frames (or records) on stdin, one JSON line each on stdout.
struct FramesDecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Print each frame read from standard input as one JSON line.",
        discussion: """
            Exit status: 0 when every item decoded; 1 for malformed input (the items before it are
            printed first, the error names the byte offset); 3 with --strict when an item decoded
            but was not in canonical form.
            """
    )

    @OptionGroup var format: FramesFormatOptions

    @Flag(name: .long, help: "Exit 3 if any item is not in the canonical form the Go encoder writes.")
    var strict = false

    func run() throws {
        if format.records {
            try decode(Record.self)
        } else {
            try decode(Frame.self)
        }
    }

    private func decode<Item: CBORCodable>(_: Item.Type) throws {
        var decoder = CBORStreamDecoder<Item>()
        var nonCanonicalCount = 0
        var output = ""

        func drain() throws {
            while let (item, bytes, offset) = try decoder.nextWithBytes() {
                output += item.jsonLine()
                output += "\n"
                if strict, item.encodedBytes() != bytes {
                    try StandardIO.writeStandardOutput(output)
                    output = ""
                    StandardIO.writeStandardError("mproxy frames: item at byte offset \(offset) is not canonical")
                    nonCanonicalCount += 1
                }
            }
            try StandardIO.writeStandardOutput(output)
            output = ""
        }

        do {
            if format.hex {
                let text = try StandardIO.readAllStandardInput()
                let digits = String(decoding: text.filter { !isWhitespace($0) }, as: UTF8.self)
                guard let bytes = Hex.decode(digits) else {
                    throw ValidationError("standard input is not hex digit pairs")
                }
                decoder.append(bytes)
                try drain()
            } else {
                try StandardIO.readStandardInput { chunk in
                    decoder.append(chunk)
                    try drain()
                }
            }
            try decoder.finish()
        } catch let error as FrameDecodingError {
            try StandardIO.writeStandardOutput(output)
            StandardIO.writeStandardError("mproxy frames: malformed input: \(error)")
            throw ExitCode(1)
        }
        if nonCanonicalCount > 0 {
            StandardIO.writeStandardError("mproxy frames: \(nonCanonicalCount) item(s) were not canonical")
            throw ExitCode(3)
        }
    }
}

/// Whether an ASCII byte is white space.
func isWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x0a || byte == 0x0d || byte == 0x09
}
