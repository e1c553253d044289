/// Router-side quality figures: how much of the tokens' top-k gate mass their intended experts
/// compute, how much goes to substitutes, and how far down the tokens' rankings those are.
///
/// Kept as sums so steps and runs add up exactly; the shares are ratios of the sums. They need
/// no expert networks: they say what the router gave each token, not what the layer outputs.
/// `p[t][e]` is the token's full-softmax probability (spec section 1).
public struct GateMass: Sendable, Equatable {
    /// `sum over t, j in topk(t) of p[t][j]`: the mass the tokens asked for (the denominator).
    public var requested: Double = 0
    /// The part of `requested` whose assignment was kept.
    public var kept: Double = 0
    /// `sum over IR tokens of p[t][h(t)]`, once per token however many drops it had.
    public var intraGPU: Double = 0
    /// `sum over filled tokens of p[t][next(t)]`.
    public var fillIn: Double = 0
    /// Mass of experts outside `topk(t)` that chose the token (expert-choice only).
    public var outsideTopK: Double = 0
    /// The IR experts' ranks in their tokens' rankings (rank 1 = top choice).
    public var intraGPURanks = RankTally()
    /// The FR experts' ranks (always `k + 1`).
    public var fillInRanks = RankTally()

    public init() {}

    public init(requested: Double, kept: Double, intraGPU: Double = 0, fillIn: Double = 0, outsideTopK: Double = 0,
                intraGPURanks: RankTally = RankTally(), fillInRanks: RankTally = RankTally()) {
        self.requested = requested
        self.kept = kept
        self.intraGPU = intraGPU
        self.fillIn = fillIn
        self.outsideTopK = outsideTopK
        self.intraGPURanks = intraGPURanks
        self.fillInRanks = fillInRanks
    }

    /// `intendedGateMass`: `kept / requested`; 1 when nothing is dropped.
    public var intendedShare: Double? { requested > 0 ? kept / requested : nil }
    /// `substituteGateMass`: `(intraGPU + fillIn + outsideTopK) / requested`. Not bounded by
    /// `1 - intendedShare`: FR's expert is beyond top-k, and an IR expert may be a dropped choice.
    public var substituteShare: Double? { requested > 0 ? (intraGPU + fillIn + outsideTopK) / requested : nil }
    /// Mean rank of the IR experts; `nil` without IR tokens.
    public var meanIntraGPURank: Double? { intraGPURanks.mean }
    /// Mean rank of the FR experts; `nil` without filled tokens.
    public var meanFillInRank: Double? { fillInRanks.mean }

    /// The same mass with only the rectifications `mode` uses.
    public func restricted(to mode: RectifyMode) -> GateMass {
        var copy = self
        if !mode.usesIR { (copy.intraGPU, copy.intraGPURanks) = (0, RankTally()) }
        if !mode.usesFR { (copy.fillIn, copy.fillInRanks) = (0, RankTally()) }
        return copy
    }

    public mutating func add(_ other: GateMass) {
        requested += other.requested
        kept += other.kept
        intraGPU += other.intraGPU
        fillIn += other.fillIn
        outsideTopK += other.outsideTopK
        intraGPURanks.add(other.intraGPURanks)
        fillInRanks.add(other.fillInRanks)
    }
}
