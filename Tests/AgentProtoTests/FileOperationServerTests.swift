// Handle numbering, Getwd, Chown, the remaining file types, and concurrent use of one server.

import AgentProto
import Foundation
import Synchronization
import Testing

@Suite("File operations: handles and concurrency")
struct FileOperationServerTests {
    @Test("Handles start at 1, increase, and are never reused after Close")
    func handleNumbering() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write("f", "x")
        let server = FileOperationServer()
        var seen: [UInt32] = []
        for _ in 0..<5 {
            let handle = server.call(FileOperationRequest(operation: .open, path: scratch.join("f"))).handle
            seen.append(handle)
            _ = server.call(FileOperationRequest(operation: .close, handle: handle))
        }
        #expect(seen == [1, 2, 3, 4, 5])
        #expect(server.call(FileOperationRequest(operation: .create, path: scratch.join("g"))).handle == 6)
        server.closeAll()
        #expect(server.openHandleCount == 0)
    }

    @Test("Getwd answers the process working directory")
    func workingDirectory() {
        let response = FileOperationServer().call(FileOperationRequest(operation: .getWorkingDirectory))
        #expect(!response.isError)
        #expect(response.path.hasPrefix("/"))
        let resolved = URL(fileURLWithPath: response.path).resolvingSymlinksInPath().path
        #expect(
            resolved == URL(fileURLWithPath: FileManager.default.currentDirectoryPath).resolvingSymlinksInPath().path)
    }

    @Test("Chown to the current owner succeeds; 0xFFFFFFFF leaves an id unchanged")
    func changeOwner() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write("f", "x")
        let server = FileOperationServer()
        #expect(
            !server.call(
                FileOperationRequest(operation: .changeOwner, path: scratch.join("f"), uid: getuid(), gid: getgid())
            ).isError)
        #expect(
            !server.call(FileOperationRequest(operation: .changeOwner, path: scratch.join("f"), uid: .max, gid: .max))
                .isError)
        #expect(server.call(FileOperationRequest(operation: .stat, path: scratch.join("f"))).status?.uid == getuid())
    }

    @Test("Named pipes, sockets and character devices get Go's type bits")
    func fileTypes() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        mkfifo(scratch.join("fifo"), 0o600)
        let server = FileOperationServer()
        let fifo = server.call(FileOperationRequest(operation: .lstat, path: scratch.join("fifo"))).status?.mode ?? 0
        #expect(fifo == GoFileMode.namedPipe.rawValue | 0o600 & ~currentUmask())
        let null = server.call(FileOperationRequest(operation: .stat, path: "/dev/null")).status?.mode ?? 0
        #expect(null & GoFileMode.device.rawValue != 0 && null & GoFileMode.characterDevice.rawValue != 0)
        #expect(GoFileMode(posixMode: 0o104755) == GoFileMode(rawValue: GoFileMode.setuid.rawValue | 0o755))
        #expect(
            GoFileMode(posixMode: 0o041777)
                == GoFileMode(rawValue: GoFileMode.directory.rawValue | GoFileMode.sticky.rawValue | 0o777))
        #expect(GoFileMode(posixMode: 0o140700).contains(.socket))
    }

    @Test("50 concurrent requests on one server each get their own answer", .timeLimit(.minutes(1)))
    func concurrentRequests() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        for index in 0..<50 { try scratch.write("file\(index)", String(repeating: "\(index % 10)", count: index + 1)) }
        let server = FileOperationServer()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<50 {
                group.addTask {
                    let path = scratch.join("file\(index)")
                    let opened = server.handle(
                        FileOperationRequest(id: UInt32(index + 1), operation: .open, path: path))
                    #expect(opened.id == UInt32(index + 1))
                    let read = server.handle(
                        FileOperationRequest(
                            id: 1000 + UInt32(index), operation: .readAt, handle: opened.handle, size: 100))
                    #expect(read.id == 1000 + UInt32(index))
                    #expect(read.data == Array(String(repeating: "\(index % 10)", count: index + 1).utf8))
                    _ = server.handle(FileOperationRequest(operation: .close, handle: opened.handle))
                }
            }
            try await group.waitForAll()
        }
        #expect(server.openHandleCount == 0)
    }

    @Test("A handle closed while a read is using it stays valid for that read and is then released")
    func closeWhileInUse() {
        var table = FileHandleTable()
        let handle = table.insert(descriptor: 42, path: "/x", isAppending: false)
        #expect(handle == 1)
        let entry = table.checkOut(handle)
        #expect(entry?.descriptor == 42)
        #expect(table.remove(handle) == .some(nil), "in use: the last user closes it")
        #expect(table.checkOut(handle) == nil, "closed handles are EBADF at once")
        #expect(table.checkIn(handle, descriptor: 42) == 42)
        #expect(table.insert(descriptor: 43, path: "/y", isAppending: false) == 2)
    }
}
