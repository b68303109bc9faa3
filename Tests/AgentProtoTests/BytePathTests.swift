// `byte-paths` (PROTOCOL.md): names that are not UTF-8 as CBOR byte strings, the PathBytes escape
// that keeps them in `String`s, and the server's behaviour with and without the extension.

import AgentProto
import Foundation
import Testing

@Suite("byte-paths: file names that are not UTF-8")
struct BytePathTests {
    static let latin1: [UInt8] = Array("caf".utf8) + [0xE9]

    @Test(
        "bytes survive the String round trip",
        arguments: [
            Array("plain.txt".utf8), Array("café".utf8), [0x63, 0x61, 0x66, 0xE9], [0xFF], [0x80, 0x80],
            [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xEF, 0xBF, 0xBE],
            [0xEF, 0xBF, 0xBE, 0xC3, 0xA9], [0xEF, 0xBF, 0xBE, 0xEF, 0xBF, 0xBE, 0x41], [0x61, 0xEF, 0xBF, 0xBE],
            Array("new\nline".utf8), [0xE9, 0xEF, 0xBF, 0xBE, 0xE9],
        ] as [[UInt8]])
    func roundTrip(bytes: [UInt8]) {
        let string = PathBytes.string(from: bytes)
        #expect(PathBytes.bytes(of: string) == bytes)
        #expect(PathBytes.isText(string) == (String(validating: bytes, as: UTF8.self) != nil))
        if let text = String(validating: bytes, as: UTF8.self), !text.unicodeScalars.contains(PathBytes.marker) {
            #expect(string == text, "valid UTF-8 without U+FFFE is left alone")
        }
    }

    @Test("an escaped byte is U+FFFE and the byte's scalar; people see \\xE9")
    func escapeForm() {
        #expect(PathBytes.string(from: Self.latin1) == "caf\u{FFFE}\u{E9}")
        #expect(PathBytes.displayString("caf\u{FFFE}\u{E9}") == "caf\\xE9")
        #expect(PathBytes.bytes(of: "a\u{FFFE}b") == Array("a\u{FFFE}b".utf8), "a lone marker is only itself")
    }

    @Test("the Config asking for byte-paths encodes as PROTOCOL.md shows")
    func configHex() throws {
        let frame = Frame.config(AgentConfiguration(environmentKeep: nil, extensions: ["hello", "byte-paths"]))
        #expect(
            Hex.encode(CBORStreamEncoder.encode([frame]))
                == "a261740863636667a363657874826568656c6c6f6a627974652d706174687368656e765f6b656570f66a656e765f72656d6f7665f6"
        )
    }

    @Test("a path that is not UTF-8 is a byte string; the documented bytes decode back to it")
    func requestHex() throws {
        let request = FileOperationRequest(
            id: 1, operation: .stat, path: PathBytes.string(from: Array("/tmp/".utf8) + Self.latin1))
        let hex = "a261740b63666f70a36170492f746d702f636166e962696401626f7007"
        #expect(Hex.encode(CBORStreamEncoder.encode([Frame.fileOperation(request)])) == hex)
        let decoded = try decodeAll(Frame.self, from: Hex.decode(hex) ?? [])
        #expect(decoded.first?.fileOperation == request)
    }

    @Test("an Exec's words that are not UTF-8 are byte strings; UTF-8 words stay the text a Go agent reads")
    func execWords() throws {
        let odd = PathBytes.string(from: Array("caf".utf8) + Self.latin1.suffix(1))
        let request = ExecRequest(
            path: "/bin/echo", arguments: ["echo", odd], environment: ["A=" + odd], workingDirectory: odd)
        let bytes = CBORStreamEncoder.encode([Frame.exec(request)])
        #expect(try decodeAll(Frame.self, from: bytes).first?.exec == request)
        // The odd word is a byte string (0x44 = 4 bytes), never a text string.
        #expect(Hex.encode(bytes).contains("44636166e9"))
        // The example in PROTOCOL.md.
        let documented = ExecRequest(path: "/bin/echo", arguments: ["echo", odd])
        #expect(
            Hex.encode(CBORStreamEncoder.encode([Frame.exec(documented)]))
                == "a26174016178a4636377646063656e76f6646172677682646563686f44636166e96470617468692f62696e2f6563686f")
        // "café" is UTF-8: a text string (0x65 = 5 bytes), as the Go encoder writes it.
        let plain = ExecRequest(path: "/bin/echo", arguments: ["echo", "café"])
        #expect(Hex.encode(CBORStreamEncoder.encode([Frame.exec(plain)])).contains("65636166c3a9"))
    }

    @Test("a ReadDir entry that is not UTF-8 carries its name as a byte string")
    func responseHex() throws {
        let entry = DirectoryEntry(status: FileStatus(name: PathBytes.string(from: Self.latin1), size: 5, mode: 0o644))
        let response = FileOperationResponse(id: 1, entries: [entry])
        let hex = "a261740c63667270a262656e81a1627374a3616d1901a4616e44636166e961730562696401"
        #expect(Hex.encode(CBORStreamEncoder.encode([Frame.fileOperationResponse(response)])) == hex)
        let decoded = try decodeAll(Frame.self, from: Hex.decode(hex) ?? [])
        #expect(
            PathBytes.bytes(of: decoded.first?.fileOperationResponse?.entries.first?.status.name ?? "") == Self.latin1)
    }

    @Test("UTF-8 names stay text strings, U+FFFE included, byte for byte as the Go encoder writes them")
    func textStaysText() throws {
        for name in ["plain", "café", "odd\u{FFFE}name", "new\nline"] {
            let request = FileOperationRequest(id: 2, operation: .lstat, path: PathBytes.string(from: Array(name.utf8)))
            let bytes = CBORStreamEncoder.encode([Frame.fileOperation(request)])
            let textHead = UInt8(0x60 + name.utf8.count)
            #expect(bytes.contains(textHead), "\(name)")
            #expect(
                !Hex.encode(bytes).contains(Hex.encode([0x40 + UInt8(name.utf8.count)]) + Hex.encode(Array(name.utf8))))
            let decoded = try decodeAll(Frame.self, from: bytes)
            #expect(PathBytes.bytes(of: decoded.first?.fileOperation?.path ?? "") == Array(name.utf8))
        }
    }

    @Test("a text string that is not UTF-8 is still rejected")
    func invalidTextRejected() {
        // {"t":11,"fop":{"p":"caf\xe9"}} with the name as a (malformed) text string.
        let bytes = Hex.decode("a261740b63666f70a1617064636166e9") ?? []
        #expect(throws: FrameDecodingError.self) { try decodeAll(Frame.self, from: bytes) }
    }
}

/// The agent's server with names that are not UTF-8 on disk.
@Suite("byte-paths: the file-operation server")
struct BytePathServerTests {
    let scratch: ScratchDirectory
    let name = PathBytes.string(from: BytePathTests.latin1)

    init() throws {
        scratch = try ScratchDirectory()
        let raw = Array(scratch.path.utf8) + Array("/".utf8) + BytePathTests.latin1 + [0]
        let descriptor = raw.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) }
        }
        #expect(descriptor >= 0)
        _ = write(descriptor, "hello", 5)
        close(descriptor)
        try scratch.write("plain.txt", "x")
    }

    @Test("without the extension ReadDir leaves such names out and Readlink fails with EILSEQ")
    func withoutExtension() throws {
        defer { scratch.remove() }
        let server = FileOperationServer()
        let listing = server.call(FileOperationRequest(operation: .readDirectory, path: scratch.path))
        #expect(listing.entries.map(\.status.name) == ["plain.txt"])
        _ = server.call(FileOperationRequest(operation: .symlink, path: name, newPath: scratch.join("link")))
        let link = server.call(FileOperationRequest(operation: .readLink, path: scratch.join("link")))
        #expect(link.errno == 84)
        #expect(link.errorMessage.contains("byte-paths"))
        let bytes = CBORStreamEncoder.encode([Frame.fileOperationResponse(listing)])
        // The name's bytes appear nowhere, as a byte string or otherwise (a lone 0x44 could be any
        // byte of a size or a time, so look for the name itself).
        #expect(!Hex.encode(bytes).contains(Hex.encode(BytePathTests.latin1)), "the odd name is not sent")
    }

    @Test("with it every operation takes and gives the raw name")
    func withExtension() throws {
        defer { scratch.remove() }
        let server = FileOperationServer()
        server.sendsBytePaths = true
        let listing = server.call(FileOperationRequest(operation: .readDirectory, path: scratch.path))
        #expect(
            listing.entries.map(\.status.name)
                == [name, "plain.txt"].sorted {
                    PathBytes.bytes(of: $0).lexicographicallyPrecedes(PathBytes.bytes(of: $1))
                })
        let status = server.call(FileOperationRequest(operation: .stat, path: scratch.join(name)))
        #expect(status.status?.name == name && status.status?.size == 5)
        let opened = server.call(FileOperationRequest(operation: .open, path: scratch.join(name)))
        let read = server.call(FileOperationRequest(operation: .readAt, handle: opened.handle, size: 10))
        #expect(read.data == Array("hello".utf8))
        _ = server.call(FileOperationRequest(operation: .close, handle: opened.handle))
        let symlink = server.call(FileOperationRequest(operation: .symlink, path: name, newPath: scratch.join("link")))
        #expect(!symlink.isError)
        #expect(server.call(FileOperationRequest(operation: .readLink, path: scratch.join("link"))).path == name)
        let other = PathBytes.string(from: [0xFF, 0x2E, 0x74])
        #expect(
            !server.call(
                FileOperationRequest(operation: .rename, path: scratch.join(name), newPath: scratch.join(other))
            ).isError)
        let missing = server.call(FileOperationRequest(operation: .stat, path: scratch.join(name)))
        #expect(missing.errno == 2)
        #expect(missing.errorMessage.hasSuffix("/caf\\xE9: no such file or directory"), "\(missing.errorMessage)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).count == 3)
    }
}
