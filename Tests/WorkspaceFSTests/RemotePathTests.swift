import Testing
import WorkspaceFS

@Suite("RemotePath")
struct RemotePathTests {
    @Test(arguments: [
        ("/a/b/../c", "/a/c"), ("a/./b//c/", "a/b/c"), ("/..", "/"), ("../x", "../x"), ("a/..", "."), ("/", "/"),
    ])
    func normalizes(_ input: String, _ expected: String) {
        #expect(RemotePath.normalize(input) == expected)
    }

    @Test func splitsNames() {
        #expect(RemotePath.baseName("/a/b/c/") == "c")
        #expect(RemotePath.baseName("/") == "/")
        #expect(RemotePath.directoryName("/a/b/c") == "/a/b")
        #expect(RemotePath.directoryName("c") == ".")
        #expect(RemotePath.directoryName("/c") == "/")
        #expect(RemotePath.resolve("x", against: "/home") == "/home/x")
        #expect(RemotePath.resolve("/x", against: "/home") == "/x")
    }
}
