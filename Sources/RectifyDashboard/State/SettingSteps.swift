import RectifyEngine

/// The ranges the keys keep settings in, and the steps they move by.
public enum SettingSteps {
    /// Capacity factor range reachable by keys, in ten-thousandths (0.25 ... 4.0).
    public static let capacityFactorRange = 2_500...40_000
    /// `+`/`-` move the capacity factor by 0.05, `]`/`[` by 0.25.
    public static let fineCapacityStep = 500
    public static let coarseCapacityStep = 2_500
    /// Top-k never goes above this (nor above the number of experts).
    public static let topKCeiling = 16

    public static func topKRange(experts: Int) -> ClosedRange<Int> {
        1...max(1, min(experts, topKCeiling))
    }

    /// Moves the capacity factor by `delta` ten-thousandths within the keys' range. A factor
    /// started outside it (`--capacity-factor 10`, a preset's) is first brought to the nearer end,
    /// then moved: the same rule in both directions from any value.
    public static func capacityFactor(_ current: CapacityFactor, by delta: Int) -> CapacityFactor {
        let range = capacityFactorRange
        let start = min(max(current.tenThousandths, range.lowerBound), range.upperBound)
        return CapacityFactor(tenThousandths: min(max(start + delta, range.lowerBound), range.upperBound))
    }

    /// Moves top-k by `delta` within `topKRange(experts:)`, never further out if it started outside.
    public static func topK(_ current: Int, by delta: Int, experts: Int) -> Int {
        let range = topKRange(experts: experts)
        let target = current + delta
        if delta > 0 { return max(current, min(target, range.upperBound)) }
        return min(current, max(target, range.lowerBound))
    }
}
