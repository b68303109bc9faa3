import ArgumentParser

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Ends the process without running `atexit` handlers.
///
/// `exit()` runs OpenSSL's and libssh's cleanup handlers while an SSH session thread may still be
/// tearing its connection down, which crashed `mproxy exec` now and then. Everything this command
/// writes goes out through unbuffered `write(2)`, so nothing is lost by skipping them.
enum ProcessExit {
    /// Runs a command's body, then ends the process with its exit code: 0, the code of an
    /// `ExitCode` it threw, or 1 after printing any other error.
    static func after(_ body: () async throws -> Void) async -> Never {
        do {
            try await body()
        } catch let code as ExitCode {
            now(code.rawValue)
        } catch {
            StandardIO.writeStandardError("mproxy: \(error)")
            now(1)
        }
        now(0)
    }

    /// Flushes C stdio, then exits with `code`.
    static func now(_ code: Int32) -> Never {
        fflush(nil)
        _exit(code)
    }
}
