/// How far down their tokens' rankings substitute experts sit: a count and a sum of ranks
/// (rank 1 = the token's top choice), so steps and runs add up exactly and the mean is their ratio.
public struct RankTally: Sendable, Equatable {
    public private(set) var tokens = 0
    public private(set) var rankSum = 0

    public init(tokens: Int = 0, rankSum: Int = 0) {
        self.tokens = tokens
        self.rankSum = rankSum
    }

    /// `count` tokens whose expert has rank `rank`.
    @inline(__always)
    public mutating func add(rank: Int, count: Int = 1) {
        tokens += count
        rankSum += count * rank
    }

    public mutating func add(_ other: RankTally) {
        tokens += other.tokens
        rankSum += other.rankSum
    }

    /// The mean rank; `nil` without tokens.
    public var mean: Double? { tokens > 0 ? Double(rankSum) / Double(tokens) : nil }
}
