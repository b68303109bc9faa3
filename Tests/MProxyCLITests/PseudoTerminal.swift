import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `mproxy` running on a pseudo-terminal the test opened: the test types keys into the master
/// side and reads what the program shows.
final class PseudoTerminalSession {
    private let master: Int32
    private let slave: Int32
    private let process = Process()
    private(set) var screen = ""

    init(_ arguments: [String]) throws {
        let library = PseudoTerminalFunctions()
        master = library.open(O_RDWR | O_NOCTTY)
        guard master >= 0, library.grant(master) == 0, library.unlock(master) == 0, let name = library.name(master)
        else {
            throw POSIXError(.ENOTTY)
        }
        slave = open(String(cString: name), O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw POSIXError(.ENOTTY) }
        let handle = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        process.executableURL = MProxyProcess.executable
        process.arguments = arguments
        process.standardInput = handle
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    deinit {
        if process.isRunning { process.terminate() }
        close(master)
        close(slave)
    }

    /// Types `keys`.
    func type(_ keys: String) {
        let bytes = Array(keys.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Reads until the screen contains `text`; false when the program ended or 30 s passed first.
    @discardableResult
    func waitFor(_ text: String, seconds: Double = 30) -> Bool {
        let deadline = MProxyProcess.monotonicSeconds() + seconds
        while !screen.contains(text) {
            let remaining = deadline - MProxyProcess.monotonicSeconds()
            guard remaining > 0 else { return false }
            guard readSome(timeoutMilliseconds: Int32(min(remaining, 0.2) * 1000)) || process.isRunning else {
                return screen.contains(text)
            }
        }
        return true
    }

    /// Reads whatever is there within the timeout; false when nothing came.
    @discardableResult
    func readSome(timeoutMilliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, timeoutMilliseconds) > 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = read(master, &buffer, buffer.count)
        guard count > 0 else { return false }
        screen += String(decoding: buffer[0..<count], as: UTF8.self)
        return true
    }

    /// Sends the program SIGTERM.
    func terminate() {
        process.terminate()
    }

    /// Waits for the program to end and returns its exit status.
    func waitForExit() -> Int32 {
        while process.isRunning { readSome(timeoutMilliseconds: 50) }
        while readSome(timeoutMilliseconds: 0) {}
        return process.terminationStatus
    }

    /// Whether the terminal is back in line mode with echo, as it was before the program ran.
    var isInLineMode: Bool {
        var attributes = termios()
        guard tcgetattr(slave, &attributes) == 0 else { return false }
        return attributes.c_lflag & tcflag_t(ICANON) != 0 && attributes.c_lflag & tcflag_t(ECHO) != 0
            && attributes.c_lflag & tcflag_t(ISIG) != 0
    }
}

/// glibc's pseudo-terminal calls, looked up at run time because the Glibc module does not export
/// them (they sit behind `_XOPEN_SOURCE`).
private struct PseudoTerminalFunctions {
    typealias DescriptorCall = @convention(c) (Int32) -> Int32
    typealias NameCall = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?

    let open: DescriptorCall
    let grant: DescriptorCall
    let unlock: DescriptorCall
    let name: NameCall

    init() {
        let process = dlopen(nil, RTLD_NOW)
        func symbol<T>(_ name: String, as _: T.Type) -> T {
            guard let address = dlsym(process, name) else { fatalError("glibc lacks \(name)") }
            return unsafeBitCast(address, to: T.self)
        }
        open = symbol("posix_openpt", as: DescriptorCall.self)
        grant = symbol("grantpt", as: DescriptorCall.self)
        unlock = symbol("unlockpt", as: DescriptorCall.self)
        name = symbol("ptsname", as: NameCall.self)
    }
}
