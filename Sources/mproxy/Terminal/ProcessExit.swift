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
    /// Flushes C stdio, then exits with `code`.
    static func now(_ code: Int32) -> Never {
        fflush(nil)
        _exit(code)
    }
}
