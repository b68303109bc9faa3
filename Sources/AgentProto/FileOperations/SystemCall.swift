// The one place that turns a C return value and `errno` into a `Result`, retrying on EINTR
// (swift-system's `valueOrErrno`), so every wrapper in this folder reads the same way.

import Glibc
package import SystemPackage

/// Thin, typed wrappers around the system calls the file-operation server needs.
package enum SystemCall {
    /// Runs `body` until it does not fail with EINTR; a result of −1 becomes the current `errno`.
    @inline(__always)
    package static func retrying<Value: FixedWidthInteger>(_ body: () -> Value) -> Result<Value, Errno> {
        while true {
            let value = body()
            if value != -1 { return .success(value) }
            let code = Glibc.errno
            if code == EINTR { continue }
            return .failure(Errno(rawValue: code))
        }
    }

    /// Runs `body` once; a result of −1 becomes the current `errno` (for calls that must not be
    /// repeated, such as `close`).
    @inline(__always)
    package static func once<Value: FixedWidthInteger>(_ body: () -> Value) -> Result<Value, Errno> {
        let value = body()
        if value != -1 { return .success(value) }
        return .failure(Errno(rawValue: Glibc.errno))
    }
}
