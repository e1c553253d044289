/// A baseline's figures summed over the steps of a run, like `RunTotals` for the rectify modes.
///
/// A figure that is `nil` for the baseline (see `BaselineFigures`) stays `nil`; counts add up,
/// `capacity` is the latest step's and `imbalance` is the mean of the per-step values.
public struct BaselineTotals: Sendable, Equatable {
    public let mode: BaselineMode
    public private(set) var steps = 0
    public private(set) var capacity: Int?
    public private(set) var requested: Int?
    public private(set) var kept = 0
    public private(set) var dropped: Int?
    public private(set) var recovered: Int?
    public private(set) var unrecovered: Int?
    public private(set) var irTokens: Int?
    public private(set) var filled: Int?
    public private(set) var slots: Int?
    public private(set) var padding: Int?
    public private(set) var residualPadding: Int?
    public private(set) var crossGPU = 0
    public private(set) var coveredTokens = 0
    public private(set) var tokens = 0
    public private(set) var gpuLoad: [Int] = []
    public private(set) var expertLoad: [Int] = []
    public private(set) var gateMass = GateMass()
    private var imbalances = RunningMean()

    public init(mode: BaselineMode) { self.mode = mode }

    public mutating func add(_ f: BaselineFigures) {
        steps += 1
        capacity = f.capacity
        requested = sum(requested, f.requested)
        kept += f.kept
        dropped = sum(dropped, f.dropped)
        recovered = sum(recovered, f.recovered)
        unrecovered = sum(unrecovered, f.unrecovered)
        irTokens = sum(irTokens, f.irTokens)
        filled = sum(filled, f.filled)
        slots = sum(slots, f.slots)
        padding = sum(padding, f.padding)
        residualPadding = sum(residualPadding, f.residualPadding)
        crossGPU += f.crossGPU
        coveredTokens += f.coveredTokens
        tokens += f.tokens
        gpuLoad = gpuLoad.adding(f.gpuLoad)
        expertLoad = expertLoad.adding(f.expertLoad)
        gateMass.add(f.gateMass)
        imbalances.add(f.imbalance)
    }

    /// Mean per-step `max(gpuLoad) / mean(gpuLoad)`.
    public var imbalance: Double? { imbalances.value }
    public var dropRate: Double? { BaselineFigures.dropRate(dropped: dropped, requested: requested) }
    public var paddingRate: Double? {
        BaselineFigures.paddingRate(residualPadding: residualPadding, slots: slots, kept: kept)
    }
    public var coverageRate: Double? { tokens > 0 ? Double(coveredTokens) / Double(tokens) : nil }

    /// A figure's running sum; `nil` once a step did not have it.
    private func sum(_ total: Int?, _ value: Int?) -> Int? {
        guard let value else { return nil }
        if steps == 1 { return value }
        return total.map { $0 + value }
    }
}
