/// Fidelity summed over the steps of a run; steps without hidden states are simply not added.
public struct FidelityTotals: Sendable, Equatable {
    public private(set) var steps = 0
    public private(set) var scores: [RoutingScheme: FidelityScore] = [:]

    public init() {}

    public mutating func add(_ step: StepFidelity) {
        steps += 1
        for (scheme, score) in step.scores { scores[scheme, default: FidelityScore()].add(score) }
    }

    /// The relative L2 error of `scheme` over every sampled token of the run.
    public func relativeError(_ scheme: RoutingScheme) -> Double? { scores[scheme]?.relativeError }
}
