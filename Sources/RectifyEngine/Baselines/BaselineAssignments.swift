/// Which experts compute each token under a baseline, with the weights that combine their
/// outputs; output fidelity needs them, the figures do not.
///
/// Stored flat (one run of terms per token) so a step of many tokens is three arrays.
public struct BaselineAssignments: Sendable, Equatable {
    /// One expert computing one token.
    public struct Term: Sendable, Equatable {
        public var expert: Int
        public var weight: Double

        public init(expert: Int, weight: Double) {
            self.expert = expert
            self.weight = weight
        }
    }

    /// Token `t`'s terms are `experts[start[t]..<start[t + 1]]` (and the same range of `weights`).
    public let start: [Int]
    public let experts: [Int32]
    public let weights: [Double]

    public init(start: [Int], experts: [Int32], weights: [Double]) {
        precondition(experts.count == weights.count && start.last == experts.count, "inconsistent assignments")
        self.start = start
        self.experts = experts
        self.weights = weights
    }

    public var tokens: Int { start.count - 1 }

    /// The experts computing `token` and their weights; dropless lists them in choice order,
    /// expert-choice by expert index.
    public func terms(of token: Int) -> [Term] {
        (start[token]..<start[token + 1]).map { Term(expert: Int(experts[$0]), weight: weights[$0]) }
    }
}
