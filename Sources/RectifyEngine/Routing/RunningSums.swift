/// The mean of a per-step value over a run; steps that have no value are left out.
///
/// Run totals keep `imbalance` this way: the slowest GPU is decided anew in every step, so the
/// per-step ratios are averaged rather than recomputed from summed loads.
struct RunningMean: Sendable, Equatable {
    private var sum = 0.0
    private var count = 0

    mutating func add(_ value: Double?) {
        guard let value else { return }
        sum += value
        count += 1
    }

    var value: Double? { count > 0 ? sum / Double(count) : nil }
}

extension Array where Element == Int {
    /// Element-wise sum for per-GPU and per-expert arrays; a change of length (a new
    /// configuration) starts again from `other`.
    func adding(_ other: [Int]) -> [Int] {
        guard count == other.count else { return other }
        return zip(self, other).map(+)
    }
}
