// Errno and text of failed file operations: Linux numbers, Go's error wording, and the limits the
// Swift server adds (ReadAt size bound).

import AgentProto
import Foundation
import Testing

@Suite("File operations: errors")
struct FileOperationErrorTests {
    @Test("Remove of a non-empty directory is ENOTEMPTY")
    func notEmpty() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try FileManager.default.createDirectory(atPath: scratch.join("full"), withIntermediateDirectories: true)
        try scratch.write("full/x", "1")
        let response = FileOperationServer().call(FileOperationRequest(operation: .remove, path: scratch.join("full")))
        #expect(response.errno == 39)
        #expect(response.errorMessage == "remove \(scratch.join("full")): directory not empty")
    }

    @Test("Remove of a missing path is ENOENT; of an empty directory succeeds")
    func removeCases() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let server = FileOperationServer()
        #expect(server.call(FileOperationRequest(operation: .remove, path: scratch.join("none"))).errno == 2)
        try FileManager.default.createDirectory(atPath: scratch.join("empty"), withIntermediateDirectories: true)
        #expect(!server.call(FileOperationRequest(operation: .remove, path: scratch.join("empty"))).isError)
    }

    @Test("Mkdir of an existing path is EEXIST; MkdirAll through a file is ENOTDIR")
    func exists() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write("file", "")
        let server = FileOperationServer()
        let again = server.call(FileOperationRequest(operation: .makeDirectory, path: scratch.path, mode: 0o755))
        #expect(again.errno == 17)
        #expect(again.errorMessage == "mkdir \(scratch.path): file exists")
        #expect(
            server.call(FileOperationRequest(operation: .makeDirectoryAll, path: scratch.join("file/sub"), mode: 0o755))
                .errno == 20)
    }

    @Test("Permission denied is EACCES", .enabled(if: geteuid() != 0, "root bypasses permission checks"))
    func accessDenied() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write("secret", "x")
        chmod(scratch.join("secret"), 0)
        #expect(
            FileOperationServer().call(FileOperationRequest(operation: .open, path: scratch.join("secret"))).errno == 13
        )
    }

    @Test("Opening a directory for writing is EISDIR; a relative symlink loop is ELOOP")
    func kernelErrorsPassThrough() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let server = FileOperationServer()
        #expect(
            server.call(FileOperationRequest(operation: .openFile, path: scratch.path, flags: LinuxOpenFlag.writeOnly))
                .errno == 21)
        symlink("loop", scratch.join("loop"))
        #expect(server.call(FileOperationRequest(operation: .stat, path: scratch.join("loop"))).errno == 40)
    }

    @Test("Readlink of a regular file is EINVAL; ReadAt beyond the size bound or at a negative offset is EINVAL")
    func invalidArguments() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write("plain", "abc")
        let server = FileOperationServer(maximumReadSize: 1024)
        #expect(server.call(FileOperationRequest(operation: .readLink, path: scratch.join("plain"))).errno == 22)
        let handle = server.call(FileOperationRequest(operation: .open, path: scratch.join("plain"))).handle
        let huge = server.call(FileOperationRequest(operation: .readAt, handle: handle, size: 1 << 40))
        #expect(huge.errno == 22)
        #expect(huge.data.isEmpty)
        #expect(server.call(FileOperationRequest(operation: .readAt, handle: handle, size: 1024)).count == 3)
        #expect(server.call(FileOperationRequest(operation: .readAt, handle: handle, offset: -5, size: 1)).errno == 22)
    }

    @Test("Writing through a read-only handle is EBADF from the kernel, with the partial count 0")
    func writeToReadOnly() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write("ro", "abc")
        let server = FileOperationServer()
        let handle = server.call(FileOperationRequest(operation: .open, path: scratch.join("ro"))).handle
        let response = server.call(FileOperationRequest(operation: .writeAt, handle: handle, data: [1]))
        #expect(response.errno == 9)
        #expect(response.count == 0)
    }

    @Test(
        "Every handle operation on handle 0 or an unknown handle is EBADF",
        arguments: [
            FileOperationCode.close, .readAt, .writeAt, .fsync, .fstat, .ftruncate,
        ])
    func badHandles(operation: FileOperationCode) {
        let server = FileOperationServer()
        #expect(server.call(FileOperationRequest(operation: operation, handle: 0, size: 1)).errno == 9)
        #expect(server.call(FileOperationRequest(operation: operation, handle: 7, size: 1)).errno == 9)
    }
}
