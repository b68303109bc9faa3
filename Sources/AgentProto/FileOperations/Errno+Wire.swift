// How a failed file operation is reported on the wire (Go `errResp`): the raw Linux errno in `er`
// and the Go error's text in `em`, e.g. "open /tmp/x: no such file or directory".

package import SystemPackage

extension Errno {
    /// The errno's text as Go's `syscall.Errno.Error()` spells it: the C library's message with a
    /// lower-case first letter ("no such file or directory").
    package var goText: String {
        let text = description
        guard let first = text.first else { return text }
        return first.lowercased() + text.dropFirst()
    }
}

extension FileOperationResponse {
    /// A failure answer: `errno` on the wire and Go's text for the error of `operation` on `paths`
    /// (Go `PathError` for one path, `LinkError` for two).
    package static func failure(
        id: UInt32,
        _ errno: Errno,
        operation: String,
        paths: String...
    ) -> FileOperationResponse {
        let subject = ([operation] + paths).joined(separator: " ")
        return FileOperationResponse(
            id: id,
            errno: UInt32(bitPattern: errno.rawValue),
            errorMessage: PathBytes.displayString("\(subject): \(errno.goText)")
        )
    }

    /// A failure answer with a message of its own (bad handle, unknown operation, size limits).
    /// Names in it that are not UTF-8 are shown as `\xNN`: `em` is text.
    package static func failure(id: UInt32, _ errno: Errno, message: String) -> FileOperationResponse {
        FileOperationResponse(
            id: id, errno: UInt32(bitPattern: errno.rawValue), errorMessage: PathBytes.displayString(message))
    }
}
