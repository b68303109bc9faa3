// Positional reads that move file pages into a pipe instead of memory, for replies whose payload
// is spliced to the client. Apart from DescriptorSyscalls.swift: CSystemExtras also declares the C
// types (`mode_t`, ...) that file's package-visible signatures use.

import CSystemExtras
import Glibc
import SystemPackage

extension DescriptorSyscalls {
    /// The outcome of a positional read into a pipe: how many bytes the pipe now holds for the
    /// reply, and whether the file ended first.
    struct SplicedReadOutcome {
        /// Bytes moved into the pipe (possibly fewer than asked).
        var count: Int
        /// The read stopped at end of file before filling the request.
        var reachedEnd: Bool
        /// The error that stopped the read early, if any (bytes before it stay in the pipe).
        var error: Errno?
    }

    /// Like ``read(_:count:at:)``, but the bytes move from the page cache into `pipe` by `splice(2)`
    /// instead of being copied into memory. `pipe` must be empty and hold `count` bytes.
    ///
    /// - Returns: nil, having moved nothing, when the file cannot be spliced (EINVAL: some special
    ///   files): read it instead.
    static func spliceRead(_ descriptor: CInt, count: Int, at offset: Int64, into pipe: CInt) -> SplicedReadOutcome? {
        var outcome = SplicedReadOutcome(count: 0, reachedEnd: false, error: nil)
        var position = offset
        while outcome.count < count {
            let result = SystemCall.retrying { mproxy_splice(descriptor, &position, pipe, UInt(count - outcome.count)) }
            switch result {
            case .failure(let error) where outcome.count == 0 && (error == .invalidArgument || error == .noFunction):
                return nil
            case .failure(let error):
                outcome.error = error
            case .success(0):
                outcome.reachedEnd = true
            case .success(let moved):
                outcome.count += moved
                continue
            }
            break
        }
        return outcome
    }
}
