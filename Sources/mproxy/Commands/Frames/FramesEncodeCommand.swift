import AgentProto
import ArgumentParser

/// `mproxy frames encode`: JSON lines on stdin, canonical frames (or records) on stdout.
struct FramesEncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Write each JSON line read from standard input as a canonical frame.",
        discussion: """
            Each line is one item in the JSON form `mproxy frames decode` prints. Fields left out or
            zero are omitted, exactly as the Go encoder omits them. Exit status 1 names the first
            line that is not a valid item, after writing the items before it.
            """
    )

    @OptionGroup var format: FramesFormatOptions

    func run() throws {
        if format.records {
            try encode(Record.self)
        } else {
            try encode(Frame.self)
        }
    }

    private func encode<Item: CBORCodable>(_: Item.Type) throws {
        let input = String(decoding: try StandardIO.readAllStandardInput(), as: UTF8.self)
        var output: [UInt8] = []
        for (index, line) in input.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            do {
                let json = try JSONParser.parse(String(line))
                let generic = try CBORValue(json: json)
                let item = try Item(cborBytes: generic.encodedBytes())
                let bytes = item.encodedBytes()
                if format.hex {
                    output += Array((Hex.encode(bytes) + "\n").utf8)
                } else {
                    output += bytes
                }
            } catch {
                try StandardIO.writeStandardOutput(output)
                StandardIO.writeStandardError("mproxy frames: line \(index + 1): \(error)")
                throw ExitCode(1)
            }
        }
        try StandardIO.writeStandardOutput(output)
    }
}
