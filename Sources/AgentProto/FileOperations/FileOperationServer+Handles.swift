// Operations on open handles: Open, Create, OpenFile, Close, ReadAt, WriteAt, Fsync, Fstat, Ftruncate.

import Glibc
import SystemPackage
import Synchronization

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
            let outcome = DescriptorSyscalls.read(entry.descriptor, count: Int(request.size), at: request.offset)
            var response = FileOperationResponse(
                id: request.id,
                data: outcome.bytes,
                count: Int64(outcome.bytes.count),
                isEndOfFile: outcome.reachedEnd
            )
            if let error = outcome.error {
                let failure = FileOperationResponse.failure(id: request.id, error, operation: "read", paths: entry.path)
                response.errno = failure.errno
                response.errorMessage = failure.errorMessage
            }
            return response
        }
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
                let failure = FileOperationResponse.failure(id: request.id, error, operation: "write", paths: entry.path)
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
