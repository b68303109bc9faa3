/// Collects a ``RecordingIndex`` record by record, adding a seek point every `seekInterval` of
/// recording time or `recordInterval` records, whichever comes first.
struct RecordingIndexBuilder {
    var index: RecordingIndex
    let seekInterval: Int64
    let recordInterval: Int
    private var lastPoint: RecordingSeekPoint?

    init(index: RecordingIndex, seekInterval: Int64, recordInterval: Int) {
        self.index = index
        self.seekInterval = seekInterval
        self.recordInterval = recordInterval
    }

    mutating func add(_ summary: RecordSummary, at offset: Int) {
        let due: Bool
        if let lastPoint {
            // Seek points keep non-decreasing times so a binary search over them is valid.
            due =
                (index.recordCount - lastPoint.recordNumber >= recordInterval
                    || summary.timestamp - lastPoint.timestamp >= seekInterval)
                && summary.timestamp >= lastPoint.timestamp
        } else {
            due = true
        }
        if due {
            let point = RecordingSeekPoint(
                timestamp: summary.timestamp, offset: offset, recordNumber: index.recordCount)
            index.seekPoints.append(point)
            lastPoint = point
        }
        index.add(summary, at: offset)
    }
}
