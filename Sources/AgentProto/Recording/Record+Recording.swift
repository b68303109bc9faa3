extension Record {
    /// The record's own time in Unix nanoseconds, or `nil` when its type carries none.
    public var timestamp: Int64? {
        switch type {
        case .sessionHeader: header?.startTime
        case .commandStart: commandStart?.startTime
        case .frame: frame?.timestamp
        case .commandEnd: commandEnd?.endTime
        case .sessionFooter: footer?.endTime
        default: nil
        }
    }

    /// The command the record belongs to, or `nil` for the header, the footer and unknown types.
    public var commandSequence: UInt32? {
        switch type {
        case .commandStart: commandStart?.sequence
        case .frame: frame?.sequence
        case .commandEnd: commandEnd?.sequence
        default: nil
        }
    }
}
