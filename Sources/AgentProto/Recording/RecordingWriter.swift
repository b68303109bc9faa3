import Synchronization

/// Encodes and writes a recording's records on a dedicated thread, so the mux threads that report
/// frames pay for a queue append, not for copying payloads or waiting on the disk.
///
/// Memory is bounded: a producer blocks while the records queued or being written exceed the
/// capacity. The first write error is kept; every later call throws it, so nothing is lost
/// silently.
final class RecordingWriter: Sendable {
    private struct State {
        var queue: [Record] = []
        /// Encoded size of the records queued or being written.
        var pendingBytes = 0
        var failure: RecordingError?
        var isClosing = false
        /// A caller waits for everything queued to be written: no more collecting.
        var isFlushRequested = false
    }

    /// Queued bytes that make a batch worth a wake-up and a write of its own.
    private var batchBytes: Int { min(capacity, 256 << 10) }
    /// How long the writer collects a batch that has not reached ``batchBytes``, at most.
    private static let batchMilliseconds = 5

    private let file: RecordingFile
    private let capacity: Int
    private let state = Mutex(State())
    /// Wakes the writer thread when records arrive or the writer should stop.
    private let workArrived = ThreadSignal()
    /// Wakes a producer waiting for space or for everything to be written. Producers call in under
    /// the recorder's lock, so at most one waits at a time, as `ThreadSignal` requires.
    private let progressMade = ThreadSignal()
    private let thread: Mutex<IOThread?> = Mutex(nil)

    /// Starts the writer thread for `file`.
    ///
    /// - Throws: ``RecordingError`` with `openFailed` when no thread can be started.
    init(file: RecordingFile, capacity: Int) throws(RecordingError) {
        self.file = file
        self.capacity = max(capacity, 1)
        do {
            let thread = try IOThread.start(name: "mproxy recording writer") { [self] in runWriter() }
            self.thread.withLock { $0 = thread }
        } catch {
            throw RecordingError(
                .openFailed, "cannot start the recording's writer thread; free some threads or memory",
                path: file.path, cause: error)
        }
    }

    /// Queues a record, waiting while the queue is over capacity.
    ///
    /// The writer is woken only when a batch is worth writing (``batchBytes``) or the queue was
    /// empty (it then collects for at most ``batchMilliseconds``): one wake-up and one `writev` per
    /// frame cost more than the write itself at a gigabyte a second.
    func enqueue(_ record: Record) throws(RecordingError) {
        let size = record.encodedSize
        while true {
            let outcome = try state.withLock { (state) throws(RecordingError) -> (queued: Bool, wakeWriter: Bool) in
                if let failure = state.failure { throw failure }
                guard state.pendingBytes == 0 || state.pendingBytes + size <= capacity else { return (false, true) }
                let wasEmpty = state.queue.isEmpty
                state.queue.append(record)
                state.pendingBytes += size
                return (true, wasEmpty || state.pendingBytes >= batchBytes)
            }
            if outcome.wakeWriter { workArrived.signal() }
            if outcome.queued { return }
            progressMade.wait()
        }
    }

    /// Waits until every queued record is on disk.
    ///
    /// - Throws: the writer's failure, if any.
    func waitUntilWritten() throws(RecordingError) {
        // Whatever the writer is collecting goes out now.
        state.withLock { $0.isFlushRequested = true }
        workArrived.signal()
        while true {
            let isDone = try state.withLock { (state) throws(RecordingError) -> Bool in
                if let failure = state.failure { throw failure }
                return state.pendingBytes == 0
            }
            if isDone { return }
            progressMade.wait()
        }
    }

    /// The writer's failure, if any.
    var failure: RecordingError? { state.withLock { $0.failure } }

    /// Writes what is queued, stops the thread and closes the file.
    ///
    /// - Throws: the writer's failure, or the error closing the file.
    func close() throws(RecordingError) {
        state.withLock { $0.isClosing = true }
        workArrived.signal()
        thread.withLock { thread in
            thread?.join()
            thread = nil
        }
        let failure = state.withLock { $0.failure }
        do {
            try file.close()
        } catch {
            throw failure ?? error
        }
        if let failure { throw failure }
    }

    private func runWriter() {
        while true {
            let (batch, isClosing) = state.withLock { state in
                defer {
                    state.queue.removeAll(keepingCapacity: true)
                    state.isFlushRequested = false
                }
                return (state.queue, state.isClosing)
            }
            if batch.isEmpty {
                if isClosing { return }
                workArrived.wait()
                // Collect a little longer unless the batch is full, a flush waits, or we are closing.
                let isReady = state.withLock { $0.pendingBytes >= batchBytes || $0.isFlushRequested || $0.isClosing }
                if !isReady { _ = workArrived.wait(milliseconds: Self.batchMilliseconds) }
                continue
            }
            let gathered = GatheredRecords(batch)
            let outcome: RecordingError?
            do {
                try gathered.write(to: file)
                outcome = nil
            } catch {
                outcome = error
            }
            state.withLock { state in
                state.pendingBytes -= gathered.byteCount
                if let outcome, state.failure == nil { state.failure = outcome }
                if state.failure != nil {
                    // Nothing more reaches the file after a failure; waiting producers must not hang.
                    state.queue.removeAll()
                    state.pendingBytes = 0
                }
            }
            progressMade.signal()
        }
    }
}
