/// Measures steps per second from the times the latest steps finished.
struct RateMeter: Sendable {
    /// Only steps this recent count, so the figure follows throttle changes quickly.
    static let window: UInt64 = 2_000_000_000
    private var stamps: [UInt64] = []
    private let keep = 64

    mutating func record(_ now: UInt64) {
        if stamps.count == keep { stamps.removeFirst() }
        stamps.append(now)
    }

    mutating func reset() { stamps.removeAll(keepingCapacity: true) }

    /// Steps per second over the recent window; `nil` with fewer than two steps or none lately.
    func rate(now: UInt64) -> Double? {
        guard let newest = stamps.last, now &- newest <= Self.window else { return nil }
        var oldest = newest
        var intervals = 0
        for stamp in stamps.reversed().dropFirst() {
            guard newest &- stamp <= Self.window else { break }
            oldest = stamp
            intervals += 1
        }
        // Two steps at least: with a slow throttle keep the last interval even if it is longer.
        if intervals == 0, stamps.count >= 2 {
            oldest = stamps[stamps.count - 2]
            intervals = 1
        }
        guard intervals > 0, newest > oldest else { return nil }
        return Double(intervals) * 1e9 / Double(newest - oldest)
    }
}
