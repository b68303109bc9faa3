import AgentProto
import Foundation
import RemoteExec

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Copies between the remote command's streams and our descriptors on dedicated threads, so
/// blocking reads and writes never run on the cooperative pool.
enum ExecStreamPump {
    /// Copies `stream` to `descriptor` until the stream ends; returns when done. A descriptor that
    /// stops accepting (a closed pipe) ends the copy and drops the rest of the stream.
    static func copy(_ stream: MuxStream, to descriptor: Int32) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                defer { continuation.resume() }
                while let chunk = try? stream.readBlocking() {
                    do {
                        try chunk.withUnsafeBytes { try StandardIO.write($0, to: descriptor) }
                    } catch {
                        stream.close()
                        return
                    }
                }
            }
            thread.name = "output fd \(descriptor)"
            thread.start()
        }
    }

    /// Sends our standard input to the command until end of file, then sends EOF. Never returns
    /// if the command ends first; the process exits then anyway.
    static func forwardStandardInput(to input: RemoteProcessInput) {
        let thread = Thread {
            var chunk = [UInt8](repeating: 0, count: 256 << 10)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                do {
                    try input.writeBlocking(Array(chunk[..<count]))
                } catch {
                    return
                }
            }
            try? input.closeNow()
        }
        thread.name = "standard input"
        thread.start()
    }
}
