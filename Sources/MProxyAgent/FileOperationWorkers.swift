// File operations run on a small pool of threads, not on the mux's receiving thread, so a slow
// operation never delays exec traffic (Go runs them inline in its read loop). Replies may leave out
// of order; the client matches them by id. The metadata look-ups (one quick system call each) are
// the exception: handing them to a worker would cost more than the call.

import AgentProto
import Glibc
import Synchronization
import SystemPackage

/// A fixed pool of threads answering file-operation requests with one ``FileOperationServer``.
final class FileOperationWorkers: Sendable {
    /// The server every worker shares.
    let server = FileOperationServer()
    /// Set from the first Config when the client asked for `root`; every request then goes through it.
    private let confinement = Mutex<Result<WorkspaceConfinement, Errno>?>(nil)
    private let workers: BlockingWorkerPool
    /// Answered on the receiving thread: a stat round trip is dominated by thread wake-ups, and the
    /// hop to a worker is one of them.
    private static let answeredInline: Set<FileOperationCode> = [.stat, .lstat, .fstat, .readLink, .getWorkingDirectory]

    init(workerCount: Int = 4) {
        workers = BlockingWorkerPool(name: "file operations", threadCount: workerCount, stackSize: AgentThread.stackSize)
    }

    /// Confines every later request beneath `rootPath` (called before the first request arrives);
    /// when the root cannot be opened every request fails with that error instead.
    func confine(to rootPath: String) {
        let result: Result<WorkspaceConfinement, Errno>
        do throws(Errno) {
            result = .success(try WorkspaceConfinement(rootPath: rootPath))
        } catch {
            result = .failure(error)
        }
        confinement.withLock { $0 = result }
    }

    private func answer(_ request: FileOperationRequest) -> FileOperationResponse {
        switch confinement.withLock({ $0 }) {
        case nil: return server.handle(request)
        case .success(let confinement)?: return confinement.handle(request, with: server)
        case .failure(let error)?:
            return .failure(id: request.id, error, message: "workspace root: \(error.goText); the agent refuses every path")
        }
    }

    /// Queues a request; a worker answers it through `reply`. Threads are made on first use, so
    /// exec-only sessions never pay for them.
    func submit(_ request: FileOperationRequest, reply: FileOperationReply) {
        if Self.answeredInline.contains(request.operation) {
            try? reply.send(answer(request))
            return
        }
        workers.submit { [self] in
            // A reply that cannot be sent means the connection is gone; the agent is ending anyway.
            try? reply.send(answer(request))
        }
    }
}
