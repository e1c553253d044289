/// A bounded history of one number per step (a sparkline's data), oldest dropped first.
///
/// Only steps that were routed are recorded, so pausing leaves no gap and no filler points.
public struct SeriesHistory: Sendable, Equatable {
    public let capacity: Int
    private var storage: [Float]
    private var start = 0
    public private(set) var count = 0

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
        storage = []
        storage.reserveCapacity(self.capacity)
    }

    public mutating func append(_ value: Float) {
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
