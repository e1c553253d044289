/// One routing scheme's figures summed over the steps of a run (or the batches of a sweep point),
/// with the cost model's estimates and the output-error sums of the same steps: the one totals type
/// of rectify modes and baselines alike.
///
/// Counts add up; a figure that is `nil` for the scheme (see `SchemeFigures`) stays `nil`;
/// `capacity` is the latest step's `C` (it only changes when the configuration does) and
/// `imbalance` is the mean of the per-step values, since the slowest GPU is decided anew in every step.
public struct SchemeTotals: Sendable, Equatable {
    public let scheme: RoutingScheme
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
    /// Gate-mass sums over the steps; the shares are ratios of these sums.
    public private(set) var gateMass = GateMass()
    /// The cost model's estimates of the steps that had one.
    public private(set) var cost = CostTotals()
    /// Output-error sums over the steps where it was measured; `nil` while none was.
    public private(set) var fidelity: FidelityScore?
    private var imbalances = RunningMean()

    public init(_ scheme: RoutingScheme) { self.scheme = scheme }
    public init(mode: RectifyMode) { self.init(.rectify(mode)) }

    /// Adds one step's figures.
    public mutating func add(_ f: SchemeFigures) {
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

    /// Adds a rectify mode's step.
    public mutating func add(_ f: StepFigures) { add(SchemeFigures(f)) }

    /// Adds one evaluated step: its figures, its cost estimate and, when measured, its output error.
    public mutating func add(_ step: SchemeEvaluation) {
        add(step.figures)
        if let estimate = step.cost { cost.add(estimate) }
        if let score = step.fidelity {
            var total = fidelity ?? FidelityScore()
            total.add(score)
            fidelity = total
        }
    }

    /// Mean per-step `max(gpuLoad) / mean(gpuLoad)`; `nil` before any step computed anything.
    public var imbalance: Double? { imbalances.value }
    public var dropRate: Double? { FigureRates.rate(dropped, requested) }
    /// `unrecovered / requested`: requests nobody computed in the end.
    public var lostRate: Double? { FigureRates.rate(unrecovered, requested) }
    public var paddingRate: Double? {
        FigureRates.paddingRate(residualPadding: residualPadding, slots: slots, kept: kept)
    }
    public var coverageRate: Double? { FigureRates.rate(coveredTokens, tokens) }
    /// The relative L2 output error over every sampled token of the steps: `sqrt(sum error^2 / sum reference^2)`.
    public var outputError: Double? { fidelity?.relativeError }
    /// A count's mean per step (sweep points show counts per step).
    public func perStep(_ count: Int?) -> Double? { count.map { Double($0) / Double(max(1, steps)) } }

    /// A figure's running sum; `nil` once a step did not have it.
    private func sum(_ total: Int?, _ value: Int?) -> Int? {
        guard let value else { return nil }
        if steps == 1 { return value }
        return total.map { $0 + value }
    }
}
