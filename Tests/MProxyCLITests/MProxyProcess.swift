import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the `mproxy` binary this test bundle was built with.
enum MProxyProcess {
    /// The binary: next to the test bundle in the build products directory, else `.build/debug`.
    static let executable: URL = {
        let products = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        let beside = products.appendingPathComponent("mproxy")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/mproxy")
    }()

    /// What a finished run left.
    struct Result {
        var status: Int32
        var standardOutput: [UInt8]
        var standardError: [UInt8]
        var outputText: String { String(decoding: standardOutput, as: UTF8.self) }
        var errorText: String { String(decoding: standardError, as: UTF8.self) }
    }

    /// Runs `mproxy` with `arguments` to completion, with `input` on standard input (empty by default).
    static func run(_ arguments: [String], input: [UInt8]? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        let inputPipe = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : inputPipe
        try process.run()
        if let input {
            let writer = Thread {
                inputPipe.fileHandleForWriting.write(Data(input))
                try? inputPipe.fileHandleForWriting.close()
            }
            writer.start()
        }
        let errorData = ConcurrentData()
        let errorReader = Thread { errorData.set(error.fileHandleForReading.readDataToEndOfFile()) }
        errorReader.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorData.isSet { usleep(1000) }
        return Result(
            status: process.terminationStatus, standardOutput: [UInt8](outputData),
            standardError: [UInt8](errorData.value))
    }

    /// Runs `mproxy` and records when each chunk of its standard output arrived (monotonic seconds).
    static func runTimed(_ arguments: [String]) throws -> [(time: Double, bytes: [UInt8])] {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var chunks: [(Double, [UInt8])] = []
        while true {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            chunks.append((monotonicSeconds(), [UInt8](data)))
        }
        process.waitUntilExit()
        return chunks
    }

    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}

/// Data filled in by another thread.
final class ConcurrentData: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Data?

    func set(_ data: Data) {
        lock.lock()
        stored = data
        lock.unlock()
    }

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stored != nil
    }

    var value: Data {
        lock.lock()
        defer { lock.unlock() }
        return stored ?? Data()
    }
}
