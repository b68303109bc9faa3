#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The local agent executable mproxy uploads (or runs, for the local transport): its path, content,
/// SHA-256, and what its ELF header says about where it can run.
public struct AgentBinary: Sendable {
    /// Where the file is.
    public let path: String
    /// The file's bytes.
    public let bytes: [UInt8]
    /// The lowercase hex SHA-256 of ``bytes``: the agent's version on the remote.
    public let sha256: String

    /// Reads `path` and hashes it, reusing `PATH.sha256` (as `scripts/build-agent` writes it) when it
    /// is at least as new as the file.
    ///
    /// - Throws: ``ExecutionError`` `agentNotFound` when the file cannot be read.
    public init(path: String) throws(ExecutionError) {
        self.path = path
        bytes = try Self.read(path)
        if let recorded = Self.recordedHash(for: path), recorded.count == 64 {
            sha256 = recorded
        } else {
            sha256 = SHA256.hexDigest(of: bytes)
            Self.recordHash(sha256, for: path)
        }
    }

    /// Whether the ELF file asks for a dynamic loader (has a `PT_INTERP` program header): such an
    /// agent runs only on hosts with the same libraries.
    public var isDynamicallyLinked: Bool {
        guard isELF64LittleEndian else { return false }
        let headerOffset = Int(readLittleEndian(at: 32, size: 8))
        let headerSize = Int(readLittleEndian(at: 54, size: 2))
        let headerCount = Int(readLittleEndian(at: 56, size: 2))
        for index in 0..<headerCount {
            let offset = headerOffset + index * headerSize
            guard offset + 4 <= bytes.count else { return false }
            if readLittleEndian(at: offset, size: 4) == 3 { return true }
        }
        return false
    }

    /// The `uname -m` names of the machine the ELF file is built for (`x86_64`, `aarch64` …);
    /// empty when the file is not a 64-bit little-endian ELF file (then nothing is checked).
    public var machineNames: [String] {
        guard isELF64LittleEndian else { return [] }
        switch readLittleEndian(at: 18, size: 2) {
        case 62: return ["x86_64", "amd64"]
        case 183: return ["aarch64", "arm64"]
        case 243: return ["riscv64"]
        case 21: return ["ppc64le"]
        case 22: return ["s390x"]
        default: return []
        }
    }

    /// Whether the file is an ELF file for Linux (OS ABI System V or GNU/Linux).
    public var isLinuxELF: Bool { isELF64LittleEndian && (bytes[7] == 0 || bytes[7] == 3) }

    private var isELF64LittleEndian: Bool {
        bytes.count >= 64 && bytes[0] == 0x7f && bytes[1] == 0x45 && bytes[2] == 0x4c && bytes[3] == 0x46
            && bytes[4] == 2 && bytes[5] == 1
    }

    private func readLittleEndian(at offset: Int, size: Int) -> UInt64 {
        guard offset >= 0, offset + size <= bytes.count else { return 0 }
        var value: UInt64 = 0
        for index in (0..<size).reversed() { value = value << 8 | UInt64(bytes[offset + index]) }
        return value
    }

    private static func read(_ path: String) throws(ExecutionError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ExecutionError(
                .agentNotFound,
                "cannot read the agent \(path): \(String(cString: strerror(errno))); build it with scripts/build-agent or pass --agent FILE"
            )
        }
        defer { close(descriptor) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return result }
            if count < 0 {
                if errno == EINTR { continue }
                throw ExecutionError(
                    .agentNotFound, "reading the agent \(path) failed: \(String(cString: strerror(errno)))")
            }
            result += chunk[..<count]
        }
    }

    /// Writes `path.sha256` as `scripts/build-agent` does, so the next run skips hashing; a
    /// read-only directory just means hashing again.
    private static func recordHash(_ hash: String, for path: String) {
        let descriptor = open(path + ".sha256", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let line = Array("\(hash)  mproxy-agent\n".utf8)
        _ = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }

    /// The hash in `path.sha256` when that file is not older than `path`.
    private static func recordedHash(for path: String) -> String? {
        var binaryStatus = stat()
        var hashStatus = stat()
        guard stat(path, &binaryStatus) == 0, stat(path + ".sha256", &hashStatus) == 0,
            hashStatus.st_mtim.tv_sec > binaryStatus.st_mtim.tv_sec
                || (hashStatus.st_mtim.tv_sec == binaryStatus.st_mtim.tv_sec
                    && hashStatus.st_mtim.tv_nsec >= binaryStatus.st_mtim.tv_nsec),
            let text = try? read(path + ".sha256")
        else { return nil }
        let hash = String(decoding: text.prefix { $0 != 0x20 && $0 != 0x0a }, as: UTF8.self)
        return hash.allSatisfy({ $0.isHexDigit }) ? hash.lowercased() : nil
    }
}
