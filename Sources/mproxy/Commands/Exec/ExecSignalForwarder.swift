import Foundation
import RemoteExec

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Forwards SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 to the remote process group.
///
/// The handlers only write the signal number to a pipe (async-signal-safe); a dedicated thread
/// reads it and sends a Signal frame. A second SIGINT within one second forces termination:
/// `onForcedExit` is called (it arranges for exit 130), then SIGKILL goes to the remote group.
enum ExecSignalForwarder {
    /// The signals forwarded.
    static let forwarded: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2]
    nonisolated(unsafe) private static var writeDescriptor: Int32 = -1

    /// Installs the handlers and starts the forwarding thread for `process`.
    static func start(for process: RemoteProcess, onForcedExit: @escaping @Sendable () -> Void) {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else { return }
        for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        writeDescriptor = descriptors[1]
        let readDescriptor = descriptors[0]
        for number in forwarded {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(ExecSignalForwarder.writeDescriptor, &byte, 1)
            }
            action.sa_flags = SA_RESTART
            sigemptyset(&action.sa_mask)
            sigaction(number, &action, nil)
        }
        let thread = Thread {
            var lastInterrupt: ContinuousClock.Instant?
            var byte: UInt8 = 0
            while true {
                let count = read(readDescriptor, &byte, 1)
                if count < 0 && errno == EINTR { continue }
                guard count == 1 else { return }
                let number = Int32(byte)
                if number == SIGINT {
                    let now = ContinuousClock.now
                    if let lastInterrupt, now - lastInterrupt < .seconds(1) {
                        // Told first, so the command's end (exit 137 from the agent) is read as forced.
                        onForcedExit()
                        try? process.send(signal: SIGKILL)
                        return
                    }
                    lastInterrupt = now
                }
                try? process.send(signal: number)
            }
        }
        thread.name = "signal forwarder"
        thread.start()
    }
}
