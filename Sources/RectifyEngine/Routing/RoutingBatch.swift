/// One step's router logits: `tokens x experts`, row-major, tokens GPU-major (spec section 1).
public struct RoutingBatch: Sendable {
    /// The step number this batch belongs to in its stream.
    public var step: Int
    public let tokens: Int
    public let experts: Int
    /// `logits[t * experts + e]` is `a[t][e]`.
    public var logits: [Float]
    /// The hidden states behind the logits, when the workload has them (synthetic ones do).
    public var hidden: HiddenStates?

    public init(step: Int, tokens: Int, experts: Int, logits: [Float], hidden: HiddenStates? = nil) {
        precondition(logits.count == tokens * experts, "logits must hold tokens x experts values")
        self.step = step
        self.tokens = tokens
        self.experts = experts
        self.logits = logits
        self.hidden = hidden
    }

    /// Token `t`'s logits.
    public func row(_ token: Int) -> ArraySlice<Float> {
        logits[(token * experts)..<((token + 1) * experts)]
    }
}

/// Token hidden states, `tokens x dimension` row-major.
public struct HiddenStates: Sendable, Equatable {
    public let dimension: Int
    public var values: [Float]

    public init(dimension: Int, values: [Float]) {
        self.dimension = dimension
        self.values = values
    }
}
