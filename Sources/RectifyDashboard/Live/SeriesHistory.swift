/// A bounded history of one number per step (a sparkline's data), oldest dropped first.
///
/// Only steps that were routed are recorded, so pausing leaves no gap and no filler points.
/// Points where a new segment (new settings) began are marked, so a sparkline can show them.
public struct SeriesHistory: Sendable, Equatable {
    public let capacity: Int
    private var storage: [Float]
    private var start = 0
    public private(set) var count = 0
    /// Points appended since the last `removeAll`, counting those dropped off the front.
    private var appended = 0
    /// Positions (in `appended` numbering) of points that began a segment, oldest first.
    private var segmentStarts: [Int] = []
    private var markPending = false

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
        storage = []
        storage.reserveCapacity(self.capacity)
    }

    public mutating func append(_ value: Float) {
        if markPending {
            segmentStarts.append(appended)
            markPending = false
        }
        appended += 1
        if let oldest = segmentStarts.first, oldest < appended - capacity { segmentStarts.removeFirst() }
        if storage.count < capacity {
            storage.append(value)
            count = storage.count
        } else {
            storage[start] = value
            start = (start + 1) % capacity
        }
    }

    public mutating func removeAll() {
        storage.removeAll(keepingCapacity: true)
        start = 0
        count = 0
        appended = 0
        segmentStarts.removeAll()
        markPending = false
    }

    /// Marks the next point appended as the first of a new segment (unless it would be the first
    /// point of all: there is nothing before it to set apart).
    public mutating func markSegmentStart() {
        markPending = count > 0
    }

    /// Whether point `index` (0 = oldest kept) began a segment.
    public func startsSegment(_ index: Int) -> Bool {
        segmentStarts.contains(appended - count + index)
    }

    /// Value `index` counted from the oldest kept (0) to the newest (`count - 1`).
    public subscript(index: Int) -> Float {
        storage[(start + index) % storage.count]
    }

    /// The newest value, if any.
    public var last: Float? { count > 0 ? self[count - 1] : nil }

    /// The newest `n` values, oldest first.
    public func suffix(_ n: Int) -> [Float] {
        let k = min(max(0, n), count)
        return (0..<k).map { self[count - k + $0] }
    }
}
