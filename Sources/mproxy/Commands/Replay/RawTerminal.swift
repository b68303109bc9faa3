#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The terminal settings to put back, read by the signal handler (which can capture nothing).
nonisolated(unsafe) private var savedTerminalAttributes = termios()
nonisolated(unsafe) private var terminalNeedsRestoring: sig_atomic_t = 0

/// Standard input in raw mode so single keys arrive at once, restored on every way out: normal
/// return, thrown errors (the owner calls ``restore()`` in a `defer`) and fatal signals.
///
/// Output processing stays on, so recorded `\n` still starts a new line on the terminal.
final class RawTerminal {
    private var restored = false

    /// Puts standard input in raw mode, or returns `nil` when it is not a terminal.
    init?() {
        guard isatty(STDIN_FILENO) == 1, tcgetattr(STDIN_FILENO, &savedTerminalAttributes) == 0 else { return nil }
        var raw = savedTerminalAttributes
        // No line buffering, no echo, and Ctrl-C arrives as a key (so quitting restores the terminal).
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL)
        withUnsafeMutableBytes(of: &raw.c_cc) { characters in
            characters[Int(VMIN)] = 1
            characters[Int(VTIME)] = 0
        }
        terminalNeedsRestoring = 1
        for signalNumber in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] {
            signal(signalNumber) { received in
                if terminalNeedsRestoring != 0 {
                    tcsetattr(STDIN_FILENO, TCSANOW, &savedTerminalAttributes)
                }
                signal(received, SIG_DFL)
                raise(received)
            }
        }
        guard tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0 else {
            terminalNeedsRestoring = 0
            return nil
        }
    }

    deinit { restore() }

    /// Waits up to `milliseconds` (−1: forever) for a key; `nil` when none came.
    func readKey(timeoutMilliseconds milliseconds: Int32) -> UInt8? {
        var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, milliseconds)
        guard ready > 0 else { return nil }
        var byte: UInt8 = 0
        // End of input (the terminal went away) reads as `q`.
        return read(STDIN_FILENO, &byte, 1) == 1 ? byte : UInt8(ascii: "q")
    }

    /// Puts the saved settings back; later calls do nothing.
    func restore() {
        guard !restored else { return }
        restored = true
        tcsetattr(STDIN_FILENO, TCSANOW, &savedTerminalAttributes)
        terminalNeedsRestoring = 0
    }
}
