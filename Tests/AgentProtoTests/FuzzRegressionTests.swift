import AgentProto
import Foundation
import Testing

/// Every input a fuzzer ever crashed on (`FuzzTesting/FailCases/`) decodes without trapping, and
/// whatever decodes survives a round trip, as in the fuzz targets themselves.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    static let failCases: [URL] = {
        let directory = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("FuzzTesting/FailCases")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0 != "README.md" }.sorted().map { directory.appendingPathComponent($0) }
    }()

    @Test("the fail-case folder is where the tests look")
    func folderExists() {
        let readme = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("FuzzTesting/FailCases/README.md")
        #expect(FileManager.default.fileExists(atPath: readme.path))
    }

    @Test("saved crashers decode safely", arguments: failCases)
    func replay(file: URL) throws {
        let bytes = [UInt8](try Data(contentsOf: file)).dropFirst()
        if let frames = try? decodeAll(Frame.self, from: Array(bytes)) {
            for frame in frames { #expect(try Frame(cborBytes: frame.encodedBytes()) == frame) }
        }
        if let records = try? decodeAll(Record.self, from: Array(bytes)) {
            for record in records { #expect(try Record(cborBytes: record.encodedBytes()) == record) }
        }
    }
}
