// The Go agent's file-op conformance cases (fileop_conformance_test.go, fileop_test.go), run against
// the Swift server with the same expectations.

import AgentProto
import Foundation
import Testing

@Suite("File operations: Go conformance cases")
struct FileOperationConformanceTests {
    @Test("ReadAt reports eof only on a short read; size 0 is an empty success; closed handles are EBADF")
    func readAtAndClose() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write("six.txt", "abcdef")
        let server = FileOperationServer()

        let opened = server.call(FileOperationRequest(operation: .open, path: scratch.join("six.txt")))
        #expect(!opened.isError)
        #expect(opened.handle == 1)

        let tail = server.call(FileOperationRequest(operation: .readAt, handle: opened.handle, offset: 2, size: 10))
        #expect(tail.data == Array("cdef".utf8))
        #expect(tail.count == 4)
        #expect(tail.isEndOfFile)

        let exact = server.call(FileOperationRequest(operation: .readAt, handle: opened.handle, offset: 0, size: 6))
        #expect(exact.data == Array("abcdef".utf8))
        #expect(!exact.isEndOfFile, "a read that exactly reaches the end is not flagged")

        let past = server.call(FileOperationRequest(operation: .readAt, handle: opened.handle, offset: 100, size: 4))
        #expect(past.count == 0)
        #expect(past.isEndOfFile)

        let empty = server.call(FileOperationRequest(operation: .readAt, handle: opened.handle, offset: 0, size: 0))
        #expect(empty.data.isEmpty && empty.count == 0 && !empty.isEndOfFile && !empty.isError)

        #expect(!server.call(FileOperationRequest(operation: .close, handle: opened.handle)).isError)
        let closed = server.call(FileOperationRequest(operation: .readAt, handle: opened.handle, size: 1))
        #expect(closed.errno == 9)
        #expect(server.openHandleCount == 0)
    }

    @Test("OpenFile exclusive create, WriteAt, Fstat, Ftruncate, Fsync, Close")
    func writeThroughHandle() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let server = FileOperationServer()
        let path = scratch.join("new.txt")
        let flags = LinuxOpenFlag.create | LinuxOpenFlag.readWrite | LinuxOpenFlag.exclusive

        let opened = server.call(FileOperationRequest(operation: .openFile, path: path, flags: flags, mode: 0o640))
        #expect(!opened.isError)
        let written = server.call(
            FileOperationRequest(operation: .writeAt, handle: opened.handle, data: Array("hello world".utf8)))
        #expect(written.count == 11)
        let status = try #require(server.call(FileOperationRequest(operation: .fstat, handle: opened.handle)).status)
        #expect(status.size == 11)
        #expect(status.mode & 0o777 == 0o640 & ~currentUmask())
        #expect(status.name == "new.txt")
        #expect(!server.call(FileOperationRequest(operation: .ftruncate, handle: opened.handle, size: 5)).isError)
        #expect(!server.call(FileOperationRequest(operation: .fsync, handle: opened.handle)).isError)
        #expect(!server.call(FileOperationRequest(operation: .close, handle: opened.handle)).isError)
        #expect(try scratch.read("new.txt") == "hello")

        let again = server.call(FileOperationRequest(operation: .openFile, path: path, flags: flags, mode: 0o640))
        #expect(again.errno == 17, "O_EXCL on an existing file is EEXIST")
    }

    @Test("MkdirAll, Stat, OpenFile, Chmod, Chtimes, Truncate, Statfs")
    func directoriesAndMetadata() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let server = FileOperationServer()
        let nested = scratch.join("a/b/c")

        #expect(!server.call(FileOperationRequest(operation: .makeDirectoryAll, path: nested, mode: 0o750)).isError)
        #expect(!server.call(FileOperationRequest(operation: .makeDirectoryAll, path: nested, mode: 0o750)).isError)
        let directory = try #require(server.call(FileOperationRequest(operation: .stat, path: nested)).status)
        #expect(directory.isDirectory)
        #expect(directory.mode & GoFileMode.directory.rawValue != 0)
        #expect(directory.mode & 0o777 == 0o750 & ~currentUmask())

        let file = nested + "/f.txt"
        let opened = server.call(
            FileOperationRequest(
                operation: .openFile, path: file, flags: LinuxOpenFlag.create | LinuxOpenFlag.writeOnly, mode: 0o600))
        #expect(!opened.isError)
        _ = server.call(FileOperationRequest(operation: .writeAt, handle: opened.handle, data: Array("12345".utf8)))
        _ = server.call(FileOperationRequest(operation: .close, handle: opened.handle))
        #expect(!server.call(FileOperationRequest(operation: .changeMode, path: file, mode: 0o644)).isError)
        // Truncate first: it would move the modification time set by Chtimes.
        #expect(!server.call(FileOperationRequest(operation: .truncate, path: file, size: 3)).isError)
        let stamp: Int64 = 1_600_000_000_123_456_789
        #expect(
            !server.call(
                FileOperationRequest(operation: .changeTimes, path: file, accessTime: stamp, modificationTime: stamp)
            ).isError)
        let status = try #require(server.call(FileOperationRequest(operation: .stat, path: file)).status)
        #expect(status.size == 3)
        #expect(status.mode == 0o644)
        #expect(status.modificationTime == stamp)
        #expect(status.accessTime == stamp)

        let epoch = server.call(FileOperationRequest(operation: .changeTimes, path: file))
        #expect(!epoch.isError)
        #expect(
            server.call(FileOperationRequest(operation: .stat, path: file)).status?.modificationTime == 0,
            "zero means 1970, not unchanged")

        let statfs = try #require(
            server.call(FileOperationRequest(operation: .statfs, path: scratch.path)).fileSystemStatus)
        #expect(statfs.blockSize != 0)
        #expect(statfs.maximumNameLength != 0)
    }

    @Test("Mkdir, Rename, Link, Symlink, Readlink, Lstat, ReadDir sorted, Remove")
    func namesAndLinks() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let server = FileOperationServer()
        let directory = scratch.join("d")
        #expect(!server.call(FileOperationRequest(operation: .makeDirectory, path: directory, mode: 0o755)).isError)
        try scratch.write("d/original.txt", "x")

        #expect(
            !server.call(
                FileOperationRequest(
                    operation: .rename, path: directory + "/original.txt", newPath: directory + "/renamed.txt")
            ).isError)
        #expect(server.call(FileOperationRequest(operation: .stat, path: directory + "/original.txt")).errno == 2)
        #expect(
            !server.call(
                FileOperationRequest(
                    operation: .link, path: directory + "/renamed.txt", newPath: directory + "/hard.txt")
            ).isError)
        #expect(
            !server.call(
                FileOperationRequest(operation: .symlink, path: "renamed.txt", newPath: directory + "/sym.txt")
            ).isError)
        #expect(
            server.call(FileOperationRequest(operation: .readLink, path: directory + "/sym.txt")).path == "renamed.txt")

        let link = try #require(
            server.call(FileOperationRequest(operation: .lstat, path: directory + "/sym.txt")).status)
        #expect(link.mode & GoFileMode.symlink.rawValue != 0)
        let target = try #require(
            server.call(FileOperationRequest(operation: .stat, path: directory + "/sym.txt")).status)
        #expect(target.mode & GoFileMode.symlink.rawValue == 0, "Stat follows the link")

        let listing = server.call(FileOperationRequest(operation: .readDirectory, path: directory))
        #expect(listing.entries.map(\.status.name) == ["hard.txt", "renamed.txt", "sym.txt"])
        #expect(listing.entries[2].status.mode & GoFileMode.symlink.rawValue != 0, "entries are lstat-style")
        #expect(listing.entries[0].status.linkCount == 2)

        #expect(!server.call(FileOperationRequest(operation: .remove, path: directory + "/hard.txt")).isError)
        #expect(server.call(FileOperationRequest(operation: .readDirectory, path: directory)).entries.count == 2)
    }

    @Test("Open of a missing file is ENOENT, Close(999) is EBADF, op 255 is ENOSYS")
    func basicErrors() {
        let server = FileOperationServer()
        let missing = server.call(FileOperationRequest(operation: .open, path: "/nonexistent-mproxy-path/x"))
        #expect(missing.errno == 2)
        #expect(missing.errorMessage == "open /nonexistent-mproxy-path/x: no such file or directory")
        #expect(server.call(FileOperationRequest(operation: .close, handle: 999)).errno == 9)
        #expect(server.call(FileOperationRequest(operation: .fsync, handle: 1234)).errno == 9)
        let unknown = server.call(FileOperationRequest(operation: FileOperationCode(rawValue: 255)))
        #expect(unknown.errno == 38)
        #expect(unknown.errorMessage == "unknown file op")
        #expect(server.call(FileOperationRequest(operation: FileOperationCode(rawValue: 0))).errno == 38)
    }

    @Test("OpenFile with mode 0 yields permissions 000")
    func modeZero() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let server = FileOperationServer()
        let opened = server.call(
            FileOperationRequest(
                operation: .openFile, path: scratch.join("zero"), flags: LinuxOpenFlag.create | LinuxOpenFlag.writeOnly,
                mode: 0))
        #expect(!opened.isError)
        #expect(server.call(FileOperationRequest(operation: .fstat, handle: opened.handle)).status?.mode == 0)
    }

    @Test("WriteAt at offset −1 appends on an O_APPEND handle; a positional write there is refused")
    func appendWrites() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write("log", "old")
        let server = FileOperationServer()
        let opened = server.call(
            FileOperationRequest(
                operation: .openFile, path: scratch.join("log"), flags: LinuxOpenFlag.writeOnly | LinuxOpenFlag.append))
        let appended = server.call(
            FileOperationRequest(operation: .writeAt, handle: opened.handle, offset: -1, data: Array("new".utf8)))
        #expect(appended.count == 3 && !appended.isError)
        #expect(try scratch.read("log") == "oldnew")
        let positional = server.call(
            FileOperationRequest(operation: .writeAt, handle: opened.handle, offset: 0, data: Array("x".utf8)))
        #expect(positional.isError)
        #expect(try scratch.read("log") == "oldnew")
    }
}
