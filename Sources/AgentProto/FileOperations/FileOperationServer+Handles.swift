// Operations on open handles: Open, Create, OpenFile, Close, ReadAt, WriteAt, Fsync, Fstat, Ftruncate.

import Glibc
import Synchronization
import SystemPackage

extension FileOperationServer {
    func open(_ request: FileOperationRequest, flags: Int32, mode: UInt32) -> FileOperationResponse {
        switch DescriptorSyscalls.open(request.path, flags: flags, mode: mode_t(mode)) {
        case .failure(let error):
            return .failure(id: request.id, error, operation: "open", paths: request.path)
        case .success(let descriptor):
            let isAppending = flags & O_APPEND != 0
            let handle = table.withLock {
                $0.insert(descriptor: descriptor, path: request.path, isAppending: isAppending)
            }
            return FileOperationResponse(id: request.id, handle: handle)
        }
    }

    func close(_ request: FileOperationRequest) -> FileOperationResponse {
        guard let removed = table.withLock({ $0.remove(request.handle) }) else {
            return badHandle(request)
        }
        if let descriptor = removed, case .failure(let error) = DescriptorSyscalls.close(descriptor) {
            return .failure(id: request.id, error, operation: "close", paths: handlePath(request))
        }
        return FileOperationResponse(id: request.id)
    }

    func readAt(_ request: FileOperationRequest) -> FileOperationResponse {
        withHandle(request) { entry in
            if let refusal = refusal(ofReadAt: request, on: entry) { return refusal }
            let outcome = DescriptorSyscalls.read(entry.descriptor, count: Int(request.size), at: request.offset)
            return readAtResponse(
                request, entry, data: outcome.bytes, count: outcome.bytes.count, reachedEnd: outcome.reachedEnd,
                error: outcome.error)
        }
    }

    /// Answers a ReadAt with the bytes moved from the file into `pipe` (`splice`), never copied into
    /// memory: the reply's payload then goes from the pipe to the client the same way
    /// (``FileOperationReply/send(_:splicingData:from:)``).
    ///
    /// - Parameters:
    ///   - request: a ReadAt.
    ///   - pipe: an empty pipe this caller alone uses, holding at least `pipeCapacity` bytes.
    /// - Returns: the response (its data left out, its count set) and how many bytes `pipe` holds for
    ///   it; nil, with nothing moved, when this read is not for splicing (not a ReadAt, larger than
    ///   the pipe, or a file that cannot splice): answer it with ``handle(_:)``.
    public func readAt(
        _ request: FileOperationRequest, splicingInto pipe: Int32, pipeCapacity: Int
    ) -> (response: FileOperationResponse, splicedCount: Int)? {
        guard request.operation == .readAt, request.size > 0, request.size <= Int64(pipeCapacity) else { return nil }
        var splicedCount = 0
        var isSpliceable = true
        let response = withHandle(request) { entry in
            if let refusal = refusal(ofReadAt: request, on: entry) { return refusal }
            guard
                let outcome = DescriptorSyscalls.spliceRead(
                    entry.descriptor, count: Int(request.size), at: request.offset, into: pipe)
            else {
                isSpliceable = false
                return FileOperationResponse(id: request.id)
            }
            splicedCount = outcome.count
            return readAtResponse(
                request, entry, data: [], count: outcome.count, reachedEnd: outcome.reachedEnd, error: outcome.error)
        }
        return isSpliceable ? (response, splicedCount) : nil
    }

    /// Why a ReadAt cannot be served at all, or nil when it can.
    private func refusal(ofReadAt request: FileOperationRequest, on entry: FileHandleTable.Entry)
        -> FileOperationResponse?
    {
        if request.size <= 0 { return FileOperationResponse(id: request.id) }
        if request.size > Int64(maximumReadSize) {
            return .failure(
                id: request.id,
                .invalidArgument,
                message: "read \(entry.path): size \(request.size) exceeds the limit of \(maximumReadSize) bytes"
            )
        }
        if request.offset < 0 {
            return .failure(id: request.id, .invalidArgument, message: "readat \(entry.path): negative offset")
        }
        return nil
    }

    private func readAtResponse(
        _ request: FileOperationRequest, _ entry: FileHandleTable.Entry, data: [UInt8], count: Int, reachedEnd: Bool,
        error: Errno?
    ) -> FileOperationResponse {
        var response = FileOperationResponse(id: request.id, data: data, count: Int64(count), isEndOfFile: reachedEnd)
        if let error {
            let failure = FileOperationResponse.failure(id: request.id, error, operation: "read", paths: entry.path)
            response.errno = failure.errno
            response.errorMessage = failure.errorMessage
        }
        return response
    }

    func writeAt(_ request: FileOperationRequest) -> FileOperationResponse {
        withHandle(request) { entry in
            // Go's File.WriteAt refuses append-mode files; offset −1 is how a client appends.
            if request.offset >= 0, entry.isAppending {
                return .failure(
                    id: request.id,
                    .ioError,
                    message: "write \(entry.path): os: invalid use of WriteAt on file opened with O_APPEND"
                )
            }
            let offset: Int64? = request.offset >= 0 ? request.offset : nil
            let (count, error) = DescriptorSyscalls.write(entry.descriptor, request.data, at: offset)
            var response = FileOperationResponse(id: request.id, count: Int64(count))
            if let error {
                let failure = FileOperationResponse.failure(
                    id: request.id, error, operation: "write", paths: entry.path)
                response.errno = failure.errno
                response.errorMessage = failure.errorMessage
            }
            return response
        }
    }

    func synchronize(_ request: FileOperationRequest) -> FileOperationResponse {
        withHandle(request) { entry in
            switch DescriptorSyscalls.synchronize(entry.descriptor) {
            case .success: return FileOperationResponse(id: request.id)
            case .failure(let error): return .failure(id: request.id, error, operation: "sync", paths: entry.path)
            }
        }
    }

    func handleStatus(_ request: FileOperationRequest) -> FileOperationResponse {
        withHandle(request) { entry in
            switch DescriptorSyscalls.status(of: entry.descriptor) {
            case .success(let raw):
                let status = FileStatus(name: FileStatus.baseName(of: entry.path), stat: raw)
                return FileOperationResponse(id: request.id, status: status)
            case .failure(let error):
                return .failure(id: request.id, error, operation: "stat", paths: entry.path)
            }
        }
    }

    func handleTruncate(_ request: FileOperationRequest) -> FileOperationResponse {
        withHandle(request) { entry in
            switch DescriptorSyscalls.truncate(entry.descriptor, size: request.size) {
            case .success: return FileOperationResponse(id: request.id)
            case .failure(let error): return .failure(id: request.id, error, operation: "truncate", paths: entry.path)
            }
        }
    }

    /// Runs `body` with the handle's entry checked out, so a concurrent Close cannot close the
    /// descriptor under it; answers EBADF when the handle is not open.
    private func withHandle(
        _ request: FileOperationRequest,
        _ body: (FileHandleTable.Entry) -> FileOperationResponse
    ) -> FileOperationResponse {
        guard let entry = table.withLock({ $0.checkOut(request.handle) }) else { return badHandle(request) }
        let response = body(entry)
        if let descriptor = table.withLock({ $0.checkIn(request.handle, descriptor: entry.descriptor) }) {
            DescriptorSyscalls.close(descriptor)
        }
        return response
    }

    private func badHandle(_ request: FileOperationRequest) -> FileOperationResponse {
        .failure(id: request.id, .badFileDescriptor, message: "invalid handle \(request.handle): bad file descriptor")
    }

    private func handlePath(_ request: FileOperationRequest) -> String {
        "handle \(request.handle)"
    }
}
