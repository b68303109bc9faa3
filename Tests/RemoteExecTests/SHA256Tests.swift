import RemoteExec
import Testing

@Suite("SHA-256")
struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ])
    func knownDigests(input: String, expected: String) {
        #expect(SHA256.hexDigest(of: Array(input.utf8)) == expected)
    }

    @Test func chunkedUpdatesMatchOneShot() {
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var hash = SHA256()
        var offset = 0
        for size in [1, 63, 64, 65, 127, 1000, 3000] where offset < bytes.count {
            let end = min(bytes.count, offset + size)
            hash.update(Array(bytes[offset..<end]))
            offset = end
        }
        hash.update(Array(bytes[offset...]))
        let chunked = hash.finalize().map { hexByte($0) }.joined()
        #expect(chunked == SHA256.hexDigest(of: bytes))
    }
}

private func hexByte(_ byte: UInt8) -> String {
    let text = String(byte, radix: 16)
    return byte < 16 ? "0" + text : text
}
