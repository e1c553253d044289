/// Figures of one mode summed over the steps of a run.
///
/// Counts add up; `capacity` is the latest step's `C` (it only changes when the configuration
/// does) and `imbalance` is the mean of the per-step values, since the slowest GPU is decided
/// anew in every step.
public struct RunTotals: Sendable, Equatable {
    public let mode: RectifyMode
    public private(set) var steps = 0
    public private(set) var capacity = 0
    public private(set) var requested = 0
    public private(set) var kept = 0
    public private(set) var dropped = 0
    public private(set) var recovered = 0
    public private(set) var unrecovered = 0
    public private(set) var irTokens = 0
    public private(set) var filled = 0
    public private(set) var slots = 0
    public private(set) var padding = 0
    public private(set) var residualPadding = 0
    public private(set) var crossGPU = 0
    public private(set) var coveredTokens = 0
    public private(set) var tokens = 0
    public private(set) var gpuLoad: [Int] = []
    public private(set) var expertLoad: [Int] = []
    /// Gate-mass sums over the run; the shares are ratios of these sums.
    public private(set) var gateMass = GateMass()
    private var imbalances = RunningMean()

    public init(mode: RectifyMode) { self.mode = mode }

    public mutating func add(_ f: StepFigures) {
        steps += 1
        capacity = f.capacity
        requested += f.requested
        kept += f.kept
        dropped += f.dropped
        recovered += f.recovered
        unrecovered += f.unrecovered
        irTokens += f.irTokens
        filled += f.filled
        slots += f.slots
        padding += f.padding
        residualPadding += f.residualPadding
        crossGPU += f.crossGPU
        coveredTokens += f.coveredTokens
        tokens += f.tokens
        gpuLoad = gpuLoad.adding(f.gpuLoad)
        expertLoad = expertLoad.adding(f.expertLoad)
        gateMass.add(f.gateMass)
        imbalances.add(f.imbalance)
    }

    /// Mean per-step `max(gpuLoad) / mean(gpuLoad)`; `nil` before any step computed anything.
    public var imbalance: Double? { imbalances.value }
    public var dropRate: Double? { requested > 0 ? Double(dropped) / Double(requested) : nil }
    public var paddingRate: Double? { slots > 0 ? Double(residualPadding) / Double(slots) : nil }
    /// Share of drops IR recovered.
    public var recoveryRate: Double? { dropped > 0 ? Double(recovered) / Double(dropped) : nil }
    public var coverageRate: Double? { tokens > 0 ? Double(coveredTokens) / Double(tokens) : nil }
}
