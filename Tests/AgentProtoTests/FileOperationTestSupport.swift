// A scratch directory and request shortcuts for the file-operation tests, which drive the server directly.

import AgentProto
import Foundation

/// A fresh directory under the system temporary directory, removed by `remove()`.
struct ScratchDirectory {
    let path: String

    init() throws {
        let base = NSTemporaryDirectory() + "mproxy-fileop-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        path = base
    }

    func join(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ contents: String) throws {
        try Data(contents.utf8).write(to: URL(fileURLWithPath: join(name)))
    }

    func read(_ name: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: join(name))), as: UTF8.self)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// The process umask, read without changing it for long.
func currentUmask() -> UInt32 {
    let mask = umask(0o022)
    umask(mask)
    return UInt32(mask)
}

extension FileOperationServer {
    /// Sends one request with a fresh id and checks the id comes back.
    func call(_ request: FileOperationRequest) -> FileOperationResponse {
        var request = request
        request.id = UInt32.random(in: 1...UInt32.max)
        let response = handle(request)
        precondition(response.id == request.id, "response id must echo the request id")
        return response
    }
}

// Linux open flags, written out because the wire carries Linux numbers whatever the host.
enum LinuxOpenFlag {
    static let readOnly: Int32 = 0
    static let writeOnly: Int32 = 0o1
    static let readWrite: Int32 = 0o2
    static let create: Int32 = 0o100
    static let exclusive: Int32 = 0o200
    static let truncate: Int32 = 0o1000
    static let append: Int32 = 0o2000
}
