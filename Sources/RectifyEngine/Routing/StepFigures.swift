/// The figures of spec section 7 for one mode on one step.
public struct StepFigures: Sendable, Equatable {
    public var mode: RectifyMode
    public var step: Int
    public var capacity: Int
    public var requested: Int
    public var kept: Int
    public var dropped: Int
    public var recovered: Int
    public var unrecovered: Int
    public var irTokens: Int
    public var filled: Int
    public var slots: Int
    public var padding: Int
    public var residualPadding: Int
    public var crossGPU: Int
    public var coveredTokens: Int
    public var tokens: Int
    /// Tokens computed by each GPU's experts: kept + filled + IR work.
    public var gpuLoad: [Int]
    /// `max(gpuLoad) / mean(gpuLoad)`; `nil` when nothing was computed.
    public var imbalance: Double?
    /// Per expert, all GPUs summed.
    public var expertRequested: [Int]
    public var expertKept: [Int]
    public var expertDropped: [Int]
    public var expertFilled: [Int]
    public var expertIR: [Int]
    public var expertLoad: [Int]
    /// Per expert, its drops that this mode's IR recovered (all zero without IR): the part of
    /// `expertDropped` not lost.
    public var expertRecovered: [Int] = []
    /// Router-side quality: top-k gate mass kept, handed to this mode's IR and FR experts, and their ranks.
    public var gateMass = GateMass()

    /// `dropped / requested`.
    public var dropRate: Double? { FigureRates.rate(dropped, requested) }
    /// `residualPadding / slots`.
    public var paddingRate: Double? { FigureRates.rate(residualPadding, slots) }
    /// `unrecovered / requested`: requests nobody computed in the end.
    public var lostRate: Double? { FigureRates.rate(unrecovered, requested) }
    /// `coveredTokens / tokens`.
    public var coverageRate: Double? { FigureRates.rate(coveredTokens, tokens) }

    /// Per-GPU sums of a per-expert array (experts grouped by the GPU that holds them).
    public static func perGPU(_ perExpert: [Int], gpus: Int) -> [Int] {
        guard gpus > 0, perExpert.count % gpus == 0 else { return [] }
        let m = perExpert.count / gpus
        return (0..<gpus).map { q in perExpert[(q * m)..<((q + 1) * m)].reduce(0, +) }
    }

    /// `max / mean` of a load vector, `nil` when its mean is zero.
    public static func imbalance(of load: [Int]) -> Double? {
        let total = load.reduce(0, +)
        guard total > 0, let peak = load.max() else { return nil }
        return Double(peak) * Double(load.count) / Double(total)
    }
}

extension StepAnalysis {
    /// The figures of `mode`; `nil` when the router was not asked for that mode's rectification.
    public func figures(_ mode: RectifyMode) -> StepFigures? {
        guard computed.contains(mode) else { return nil }
        let g = config.gpus
        let e = config.experts
        let requested = config.tokens * config.topK
        var kept = 0, dropped = 0, recovered = 0, irTokens = 0, cross = 0, covered = config.tokens, filled = 0
        var gateMass = GateMass()
        for tally in sourceTallies {
            gateMass.add(tally.gateMass)
            dropped += tally.dropped
            cross += tally.crossKept
            covered -= tally.uncovered(mode)
            if mode.usesIR {
                recovered += tally.recovered
                irTokens += tally.irTokens
            }
            if mode.usesFR { cross += tally.crossFilled }
        }
        kept = expertKept.reduce(0, +)
        if mode.usesFR { filled = expertFilled.reduce(0, +) }
        let expertIR = mode.usesIR ? irPerExpert.map(Int.init) : [Int](repeating: 0, count: e)
        let expertFilledMode = mode.usesFR ? expertFilled : [Int](repeating: 0, count: e)
        var expertLoad = [Int](repeating: 0, count: e)
        var expertDropped = [Int](repeating: 0, count: e)
        for x in 0..<e {
            expertLoad[x] = expertKept[x] + expertFilledMode[x] + expertIR[x]
            expertDropped[x] = expertRequested[x] - expertKept[x]
        }
        let gpuLoad = StepFigures.perGPU(expertLoad, gpus: g)
        let slots = config.slots
        return StepFigures(
            mode: mode, step: step, capacity: capacity, requested: requested, kept: kept,
            dropped: dropped, recovered: recovered, unrecovered: dropped - recovered,
            irTokens: irTokens, filled: filled, slots: slots, padding: slots - kept,
            residualPadding: slots - kept - filled, crossGPU: cross, coveredTokens: covered,
            tokens: config.tokens, gpuLoad: gpuLoad, imbalance: StepFigures.imbalance(of: gpuLoad),
            expertRequested: expertRequested, expertKept: expertKept, expertDropped: expertDropped,
            expertFilled: expertFilledMode, expertIR: expertIR, expertLoad: expertLoad,
            expertRecovered: mode.usesIR ? expertRecovered ?? [Int](repeating: 0, count: e) : [Int](repeating: 0, count: e),
            gateMass: gateMass.restricted(to: mode))
    }
}
