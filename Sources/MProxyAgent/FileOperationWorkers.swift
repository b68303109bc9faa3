// File operations run on a small pool of threads, not on the mux's receiving thread, so a slow
// operation never delays exec traffic (Go runs them inline in its read loop). Replies may leave out
// of order; the client matches them by id. The metadata look-ups (one quick system call each) are
// the exception: handing them to a worker would cost more than the call. ReadAt replies are spliced:
// the file's pages reach the client without being copied through the agent.

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
    private let splicePipes = SplicePipes()
    /// Answered on the receiving thread: a stat round trip is dominated by thread wake-ups, and the
    /// hop to a worker is one of them.
    private static let answeredInline: Set<FileOperationCode> = [
        .stat, .lstat, .fstat, .readLink, .getWorkingDirectory,
    ]

    init(workerCount: Int = 4) {
        workers = BlockingWorkerPool(
            name: "file operations", threadCount: workerCount, stackSize: AgentThread.stackSize)
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
            return .failure(
                id: request.id, error, message: "workspace root: \(error.goText); the agent refuses every path")
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
            if request.operation == .readAt, answerSpliced(request, reply: reply) { return }
            // A reply that cannot be sent means the connection is gone; the agent is ending anyway.
            try? reply.send(answer(request))
        }
    }

    /// Answers a ReadAt with the file's pages spliced through a private pipe to the client, never
    /// copied into the agent (see SplicePipes); false, with nothing sent, when this read cannot be.
    private func answerSpliced(_ request: FileOperationRequest, reply: FileOperationReply) -> Bool {
        // A broken confinement refuses every request, ReadAt included; handles need no confining.
        if case .failure? = confinement.withLock({ $0 }) { return false }
        guard let pipe = splicePipes.take() else { return false }
        defer { splicePipes.give(pipe) }
        guard let (response, count) = server.readAt(request, splicingInto: pipe.write, pipeCapacity: pipe.capacity)
        else { return false }
        do {
            if try reply.send(response, splicingData: count, from: pipe.read) { return true }
        } catch {
            return true  // the connection is gone; the agent is ending anyway
        }
        var withData = response
        withData.data = SplicePipes.drain(pipe, count: count)
        try? reply.send(withData)
        return true
    }
}
