/// One step's output fidelity for every scheme measured.
public struct StepFidelity: Sendable, Equatable {
    public var step: Int
    /// Tokens sampled in this step.
    public var sampledTokens: Int
    public var scores: [RoutingScheme: FidelityScore]

    public init(step: Int, sampledTokens: Int, scores: [RoutingScheme: FidelityScore]) {
        self.step = step
        self.sampledTokens = sampledTokens
        self.scores = scores
    }

    /// The relative L2 error of `scheme`; `nil` when it was not measured.
    public func relativeError(_ scheme: RoutingScheme) -> Double? { scores[scheme]?.relativeError }
}
