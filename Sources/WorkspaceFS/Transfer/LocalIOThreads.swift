// Local disk reads and writes of a transfer block; they run on a few dedicated threads, so the
// cooperative pool that drives the RPCs never waits on the disk.

import AgentProto

/// The threads transfers share for blocking local file system calls; they start on first use.
enum LocalIOThreads {
    /// The shared pool.
    static let shared = BlockingWorkerPool(name: "local disk I/O", threadCount: 4)
}
