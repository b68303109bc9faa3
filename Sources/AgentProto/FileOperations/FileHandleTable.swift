// The file-op server's handle table (Go `FileOpServer` handles): numbers start at 1, grow
// monotonically and are never reused; 0 is never valid.
//
// Operations run concurrently, so a handle in use by a ReadAt must not be closed under it (the
// descriptor number could be reused by the next open). Each entry counts its users; Close removes
// the handle at once and the descriptor is closed by whoever releases it last.

/// A value-type table of open files; every mutating method returns what the caller must do.
package struct FileHandleTable: Sendable {
    /// One open file.
    package struct Entry: Sendable {
        /// The descriptor the handle stands for.
        package var descriptor: CInt
        /// The path it was opened with (Fstat reports its base name, as Go's `File.Stat` does).
        package var path: String
        /// Whether it was opened with O_APPEND (Go rejects positional writes on such files).
        package var isAppending: Bool
        /// Requests currently using the descriptor.
        var users: Int = 0
    }

    private var entries: [UInt32: Entry] = [:]
    /// Entries already closed by the peer whose descriptor is still in use, by descriptor.
    private var closing: [CInt: Int] = [:]
    private var lastHandle: UInt32 = 0

    /// An empty table; the first handle it hands out is 1.
    package init() {}

    /// How many handles are open.
    package var count: Int { entries.count }

    /// Adds an open file and returns its new handle (never 0, never one handed out before until
    /// the 32-bit counter wraps).
    package mutating func insert(descriptor: CInt, path: String, isAppending: Bool) -> UInt32 {
        repeat {
            lastHandle &+= 1
        } while lastHandle == 0 || entries[lastHandle] != nil
        entries[lastHandle] = Entry(descriptor: descriptor, path: path, isAppending: isAppending)
        return lastHandle
    }

    /// Changes the path an open handle reports; nothing happens when it is not open.
    package mutating func relabel(_ handle: UInt32, as path: String) {
        entries[handle]?.path = path
    }

    /// Marks a handle in use and returns its entry, or nil when the handle is not open (EBADF).
    /// Every successful checkout must be balanced by `checkIn(_:)`.
    package mutating func checkOut(_ handle: UInt32) -> Entry? {
        guard var entry = entries[handle] else { return nil }
        entry.users += 1
        entries[handle] = entry
        return entry
    }

    /// Ends one use of a handle; returns a descriptor the caller must now close, when the handle
    /// was closed while in use and this was its last user.
    package mutating func checkIn(_ handle: UInt32, descriptor: CInt) -> CInt? {
        if var entry = entries[handle], entry.descriptor == descriptor {
            entry.users -= 1
            entries[handle] = entry
            return nil
        }
        guard let users = closing[descriptor] else { return nil }
        if users > 1 {
            closing[descriptor] = users - 1
            return nil
        }
        closing[descriptor] = nil
        return descriptor
    }

    /// Removes a handle. Returns nil when it was not open (EBADF), else the descriptor to close
    /// now, or `.some(nil)` when requests still use it and the last of them will close it.
    package mutating func remove(_ handle: UInt32) -> CInt?? {
        guard let entry = entries.removeValue(forKey: handle) else { return nil }
        if entry.users == 0 { return .some(entry.descriptor) }
        closing[entry.descriptor] = entry.users
        return .some(nil)
    }

    /// Removes every handle; returns the descriptors that are not in use and must be closed now.
    package mutating func removeAll() -> [CInt] {
        var idle: [CInt] = []
        for entry in entries.values {
            if entry.users == 0 {
                idle.append(entry.descriptor)
            } else {
                closing[entry.descriptor] = entry.users
            }
        }
        entries.removeAll()
        return idle
    }
}
