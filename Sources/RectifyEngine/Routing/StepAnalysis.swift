/// Everything one routed step leaves behind, from which each mode's figures follow.
///
/// IR and FR only post-process the vanilla assignment and are independent of each other
/// (spec sections 4-5), so one pass yields all four modes on the very same batch.
public struct StepAnalysis: Sendable {
    public let config: RoutingConfig
    public let step: Int
    public let capacity: Int
    /// Which rectifications were computed; figures for other modes are not available.
    public let computed: Set<RectifyMode>
    /// `G x E`, row per source GPU: requests, kept tokens and FR-filled slots.
    public let requestedPerGpuExpert: [Int32]
    public let keptPerGpuExpert: [Int32]
    public let filledPerGpuExpert: [Int32]
    /// IR tokens each expert computes (only experts local to the token receive them).
    public let irPerExpert: [Int32]
    /// Per source GPU tallies that the figures sum.
    public let sourceTallies: [SourceTally]
    /// Column sums of the matrices, per expert.
    public let expertRequested: [Int]
    public let expertKept: [Int]
    public let expertFilled: [Int]
    /// Per expert, its drops that IR recovered (the token went to an expert on its own GPU);
    /// `nil` when IR was not computed. Lets a view draw recovered overflow apart from lost.
    public let expertRecovered: [Int]?
    /// Per-token outcome, when the router was asked to keep it.
    public let tokenRouting: TokenRouting?
}

/// Counts for the tokens of one source GPU.
public struct SourceTally: Sendable, Equatable {
    public var dropped = 0
    /// Drops recovered by IR and the tokens that carry them.
    public var recovered = 0
    public var irTokens = 0
    /// Kept and filled assignments whose expert sits on another GPU.
    public var crossKept = 0
    public var crossFilled = 0
    /// Tokens all of whose choices dropped, and how many of them IR took, FR took, and both took:
    /// every mode's covered tokens follow from these (see `uncovered(_:)`).
    public var wholeDrops = 0
    public var wholeDropsTakenByIR = 0
    public var wholeDropsTakenByFR = 0
    public var wholeDropsTakenByBoth = 0
    /// Gate mass of the GPU's tokens: requested, kept, and handed to IR and FR experts.
    public var gateMass = GateMass()

    public init() {}

    /// Tokens of this GPU no expert computes under `mode`: whole drops its rectifications did not take.
    public func uncovered(_ mode: RectifyMode) -> Int {
        let byIR = mode.usesIR ? wholeDropsTakenByIR : 0
        let byFR = mode.usesFR ? wholeDropsTakenByFR : 0
        let byBoth = mode.usesIR && mode.usesFR ? wholeDropsTakenByBoth : 0
        return wholeDrops - byIR - byFR + byBoth
    }
}

/// Per-token routing outcome, for combination weights and tests.
public struct TokenRouting: Sendable, Equatable {
    public let topK: Int
    /// `choices[t * k + r]`: token `t`'s `r`-th choice.
    public let choices: [Int32]
    /// Whether that choice was dropped by capacity.
    public let dropped: [Bool]
    /// `next(t)`, or -1 when `k == E`.
    public let next: [Int32]
    /// The IR expert `h(t)` that recovered the token's drops, or -1.
    public let irExpert: [Int32]
    /// Whether FR filled the token into `next(t)`.
    public let filled: [Bool]

    /// Experts that kept token `t`, `S(t)`, in choice order.
    public func keptExperts(of token: Int) -> [Int] {
        (0..<topK).compactMap { r in dropped[token * topK + r] ? nil : Int(choices[token * topK + r]) }
    }

    /// Experts whose requests for token `t` were dropped, in choice order.
    public func droppedExperts(of token: Int) -> [Int] {
        (0..<topK).compactMap { r in dropped[token * topK + r] ? Int(choices[token * topK + r]) : nil }
    }
}
