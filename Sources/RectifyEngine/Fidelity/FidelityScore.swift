/// Layer-distortion proxy of one scheme against the dropless reference output, over some tokens.
///
/// Holds sums of squares so steps and runs add up exactly: the relative L2 error over a run is
/// `sqrt(sum of error^2 / sum of reference^2)` over every sampled token, not a mean of ratios.
public struct FidelityScore: Sendable, Equatable {
    /// `sum over tokens of ||y_mode - y_dropless||^2`.
    public var errorSquared: Double
    /// `sum over tokens of ||y_dropless||^2`.
    public var referenceSquared: Double
    public var tokens: Int

    public init(errorSquared: Double = 0, referenceSquared: Double = 0, tokens: Int = 0) {
        self.errorSquared = errorSquared
        self.referenceSquared = referenceSquared
        self.tokens = tokens
    }

    /// `||y_mode - y_dropless|| / ||y_dropless||` over the tokens; `nil` when the reference is 0.
    public var relativeError: Double? {
        referenceSquared > 0 ? (errorSquared / referenceSquared).squareRoot() : nil
    }

    public mutating func add(_ other: FidelityScore) {
        errorSquared += other.errorSquared
        referenceSquared += other.referenceSquared
        tokens += other.tokens
    }
}
