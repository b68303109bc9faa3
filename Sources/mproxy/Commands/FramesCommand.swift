import ArgumentParser

/// `mproxy frames`: the protocol debugging tool for captured agentproto streams.
struct FramesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frames",
        abstract: "Decode and encode raw agentproto frames and recording records.",
        discussion: """
            JSON lines use the wire keys, sorted; byte strings are {"$hex":"..."}. Examples:
              printf 'a1617403' | mproxy frames decode --hex
              echo '{"s":1,"t":2,"d":{"$hex":"6869"}}' | mproxy frames encode --hex
              mproxy frames decode --records < session.cbor
            """,
        subcommands: [FramesDecodeCommand.self, FramesEncodeCommand.self]
    )
}

/// Options both directions share.
struct FramesFormatOptions: ParsableArguments {
    @Flag(name: .long, help: "The binary side is hex text (white space ignored) instead of raw bytes.")
    var hex = false

    @Flag(name: .long, help: "Items are recording records instead of frames.")
    var records = false
}
