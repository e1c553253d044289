/// The spec section 7 figures of any routing scheme on one step, `nil` where a figure does not
/// apply (JSON shows `null`, never a fake zero). Baseline routers produce these; a rectify mode's
/// `StepFigures` (every figure applies, with the per-expert detail the dashboard draws) converts.
///
/// A figure is `nil` when the mechanism it counts does not exist in that router; it is a real
/// number, possibly 0, when it is an outcome the router has (dropless really drops nothing).
///
/// | figure | dropless | expert-choice |
/// | --- | --- | --- |
/// | `capacity` | `nil`: no capacity | `C` (spec section 2) |
/// | `requested` | `T * k` | `nil`: tokens make no requests, experts choose |
/// | `kept` | `T * k`: every request is computed | `sum min(n, C)`: tokens experts took |
/// | `dropped`, `unrecovered` | 0: nothing is dropped | `nil`: no requests, so no drops (tokens nobody took are `tokens - coveredTokens`) |
/// | `recovered`, `irTokens` | `nil`: no IR | `nil`: no IR |
/// | `filled` | `nil`: no FR | `nil`: no FR |
/// | `slots` | `nil`: no fixed buffer, the all-to-all carries exactly the assignments | `G * E * C` |
/// | `padding`, `residualPadding` | 0: only real tokens are sent | `slots - kept` (0 unless `C > n`) |
/// | `crossGPU`, `coveredTokens`, `tokens`, `gpuLoad`, `imbalance` | apply | apply |
/// | `expertKept`, `expertLoad` | apply | apply |
/// | `expertRequested`, `expertDropped` | apply (dropped all 0) | `nil` |
/// | `expertFilled`, `expertIR` | `nil` | `nil` |
/// | `gateMass` | all top-k mass kept, no substitutes | top-k mass of the pairs experts chose; `outsideTopK` for the rest |
public struct SchemeFigures: Sendable, Equatable {
    public var scheme: RoutingScheme
    public var step: Int
    public var capacity: Int?
    public var requested: Int?
    public var kept: Int
    public var dropped: Int?
    public var recovered: Int?
    public var unrecovered: Int?
    public var irTokens: Int?
    public var filled: Int?
    public var slots: Int?
    public var padding: Int?
    public var residualPadding: Int?
    /// Assignments whose expert sits on another GPU than the token.
    public var crossGPU: Int
    /// Tokens computed by at least one expert.
    public var coveredTokens: Int
    public var tokens: Int
    /// Tokens computed by each GPU's experts.
    public var gpuLoad: [Int]
    /// `max(gpuLoad) / mean(gpuLoad)`; `nil` when nothing was computed.
    public var imbalance: Double?
    public var expertRequested: [Int]?
    public var expertKept: [Int]
    public var expertDropped: [Int]?
    public var expertFilled: [Int]?
    public var expertIR: [Int]?
    public var expertLoad: [Int]
    /// Router-side quality (see `GateMass`).
    public var gateMass = GateMass()

    public init(scheme: RoutingScheme, step: Int, capacity: Int?, requested: Int?, kept: Int, dropped: Int?,
                recovered: Int?, unrecovered: Int?, irTokens: Int?, filled: Int?, slots: Int?, padding: Int?,
                residualPadding: Int?, crossGPU: Int, coveredTokens: Int, tokens: Int, gpuLoad: [Int],
                imbalance: Double?, expertRequested: [Int]?, expertKept: [Int], expertDropped: [Int]?,
                expertFilled: [Int]?, expertIR: [Int]?, expertLoad: [Int], gateMass: GateMass = GateMass()) {
        self.scheme = scheme
        self.step = step
        self.capacity = capacity
        self.requested = requested
        self.kept = kept
        self.dropped = dropped
        self.recovered = recovered
        self.unrecovered = unrecovered
        self.irTokens = irTokens
        self.filled = filled
        self.slots = slots
        self.padding = padding
        self.residualPadding = residualPadding
        self.crossGPU = crossGPU
        self.coveredTokens = coveredTokens
        self.tokens = tokens
        self.gpuLoad = gpuLoad
        self.imbalance = imbalance
        self.expertRequested = expertRequested
        self.expertKept = expertKept
        self.expertDropped = expertDropped
        self.expertFilled = expertFilled
        self.expertIR = expertIR
        self.expertLoad = expertLoad
        self.gateMass = gateMass
    }

    /// A rectify mode's figures: every one applies.
    public init(_ f: StepFigures) {
        self.init(scheme: .rectify(f.mode), step: f.step, capacity: f.capacity, requested: f.requested, kept: f.kept,
                  dropped: f.dropped, recovered: f.recovered, unrecovered: f.unrecovered, irTokens: f.irTokens,
                  filled: f.filled, slots: f.slots, padding: f.padding, residualPadding: f.residualPadding,
                  crossGPU: f.crossGPU, coveredTokens: f.coveredTokens, tokens: f.tokens, gpuLoad: f.gpuLoad,
                  imbalance: f.imbalance, expertRequested: f.expertRequested, expertKept: f.expertKept,
                  expertDropped: f.expertDropped, expertFilled: f.expertFilled, expertIR: f.expertIR,
                  expertLoad: f.expertLoad, gateMass: f.gateMass)
    }

    /// `dropped / requested`: 0 for dropless, `nil` for expert-choice.
    public var dropRate: Double? { FigureRates.rate(dropped, requested) }
    /// `unrecovered / requested`: requests nobody computed in the end (the drops IR left lost).
    public var lostRate: Double? { FigureRates.rate(unrecovered, requested) }
    /// `residualPadding / slots`; dropless has no fixed buffer, so its entries are the assignments
    /// themselves (`kept`) and the rate is 0.
    public var paddingRate: Double? { FigureRates.paddingRate(residualPadding: residualPadding, slots: slots, kept: kept) }
    /// `coveredTokens / tokens`.
    public var coverageRate: Double? { FigureRates.rate(coveredTokens, tokens) }
}

/// The rate formulas, shared by one step's figures and a run's totals so the two agree.
enum FigureRates {
    static func rate(_ part: Int?, _ whole: Int?) -> Double? {
        guard let part, let whole, whole > 0 else { return nil }
        return Double(part) / Double(whole)
    }

    static func paddingRate(residualPadding: Int?, slots: Int?, kept: Int) -> Double? {
        guard let residualPadding else { return nil }
        let entries = slots ?? (kept + residualPadding)
        return entries > 0 ? Double(residualPadding) / Double(entries) : nil
    }
}
