import AgentProto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Splits a sample count into blocks for measuring two variants in turn.
enum Alternation {
    /// Four blocks (fewer for tiny counts) adding up to `count`.
    static func blocks(_ count: Int) -> [Int] {
        let blockCount = max(1, min(4, count))
        return (0..<blockCount).map { count / blockCount + ($0 < count % blockCount ? 1 : 0) }
    }
}

/// The file-operation RPC through two muxes over a socketpair in this process (the issue's "Mux
/// round trip" target), timed one call at a time; and, for the floor, a 64-byte echo over a
/// socketpair between two threads. The answering side replies on its receiving thread, so what is
/// measured is the muxes and their transports, not a file system.
enum MuxRoundTrip {
    static func measure(count: Int) async throws -> [String: Any] {
        var descriptors: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &descriptors) == 0 else {
            throw ProbeError(text: "socketpair failed")
        }
        var handlers = MuxHandlers()
        handlers.fileOperation = { request, reply in
            try? reply.send(FileOperationResponse(path: request.path))
        }
        let server = Mux(
            transport: try FileDescriptorTransport(
                reading: descriptors[1], writing: descriptors[1], closesDescriptors: true),
            handlers: handlers)
        let clientTransport = try FileDescriptorTransport(
            reading: descriptors[0], writing: descriptors[0], closesDescriptors: true)
        let client = Mux(transport: clientTransport)
        server.start()
        client.start()
        defer {
            client.close()
            server.close()
        }
        let request = FileOperationRequest(operation: .stat, path: "/home/builder/project/Package.swift")
        for _ in 0..<1000 { _ = try await client.fileOperation(request) }
        var (pooled, onReceivingThread): ([Double], [Double]) = ([], [])
        for block in Alternation.blocks(count) {
            pooled += try await roundTrips(count: block, of: request, through: client)
            onReceivingThread += try await withTaskExecutorPreference(clientTransport.receivingExecutor) {
                try await roundTrips(count: block, of: request, through: client)
            }
        }
        return [
            "samples_us": onReceivingThread, "pool_samples_us": pooled, "echo_samples_us": try echo(count: count),
        ]
    }

    private static func roundTrips(count: Int, of request: FileOperationRequest, through client: Mux) async throws
        -> [Double]
    {
        var samples: [Double] = []
        samples.reserveCapacity(count)
        for _ in 0..<count {
            let start = ContinuousClock.now
            _ = try await client.fileOperation(request)
            samples.append((ContinuousClock.now - start).microseconds)
        }
        return samples
    }

    /// 64 bytes there and back over a socketpair, a thread at each end.
    private static func echo(count: Int) throws -> [Double] {
        var descriptors: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &descriptors) == 0 else {
            throw ProbeError(text: "socketpair failed")
        }
        let (near, far) = (descriptors[0], descriptors[1])
        defer {
            close(near)
            close(far)
        }
        let rounds = count + 1000
        let echoer = Thread {
            var buffer = [UInt8](repeating: 0, count: 64)
            for _ in 0..<rounds {
                guard readFully(far, &buffer), write(far, buffer, 64) == 64 else { return }
            }
        }
        echoer.start()
        var buffer = [UInt8](repeating: 7, count: 64)
        var samples: [Double] = []
        samples.reserveCapacity(count)
        for round in 0..<rounds {
            let start = ContinuousClock.now
            guard write(near, buffer, 64) == 64, readFully(near, &buffer) else { throw ProbeError(text: "echo failed") }
            if round >= 1000 { samples.append((ContinuousClock.now - start).microseconds) }
        }
        return samples
    }

    private static func readFully(_ descriptor: Int32, _ buffer: inout [UInt8]) -> Bool {
        var received = 0
        while received < buffer.count {
            let count = buffer.withUnsafeMutableBytes {
                read(descriptor, $0.baseAddress! + received, $0.count - received)
            }
            guard count > 0 else { return false }
            received += count
        }
        return true
    }
}
