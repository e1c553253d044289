/// Step costs of one scheme summed over the steps of a run (or the batches of a sweep point).
///
/// Throughput over a run is total useful tokens over total time, not the mean of per-step rates,
/// so slow steps weigh as much as they cost.
public struct CostTotals: Sendable, Equatable {
    public private(set) var steps = 0
    public private(set) var stepSeconds = 0.0
    public private(set) var dispatchSeconds = 0.0
    public private(set) var combineSeconds = 0.0
    /// Sum over steps of the slowest GPU's compute.
    public private(set) var slowestComputeSeconds = 0.0
    public private(set) var bufferBytes = 0
    public private(set) var realBytes = 0
    public private(set) var usefulTokens = 0

    public init() {}

    public mutating func add(_ cost: StepCost) {
        steps += 1
        stepSeconds += cost.stepSeconds
        dispatchSeconds += cost.dispatchSeconds
        combineSeconds += cost.combineSeconds
        slowestComputeSeconds += cost.slowestComputeSeconds
        bufferBytes += cost.bufferBytes
        realBytes += cost.realBytes
        usefulTokens += cost.usefulTokens
    }

    /// Mean step time.
    public var meanStepSeconds: Double? { steps > 0 ? stepSeconds / Double(steps) : nil }
    /// `sum of useful tokens / sum of step times`.
    public var usefulTokensPerSecond: Double? { stepSeconds > 0 ? Double(usefulTokens) / stepSeconds : nil }
}
