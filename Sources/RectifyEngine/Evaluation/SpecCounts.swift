/// Spec section 7's counts in the spec's order, by name. Run JSON, CSV and the dashboard's
/// snapshot JSON list a step's and a run's counts alike, so a new count is added here once.
public enum SpecCounts {
    public static let names = ["capacity", "requested", "kept", "dropped", "recovered", "unrecovered", "irTokens",
                               "filled", "slots", "padding", "residualPadding", "crossGPU", "coveredTokens", "tokens"]
}

extension StepFigures {
    /// This step's counts in `SpecCounts.names` order.
    public var specCounts: [Int] {
        [capacity, requested, kept, dropped, recovered, unrecovered, irTokens, filled, slots, padding,
         residualPadding, crossGPU, coveredTokens, tokens]
    }
}

extension SchemeTotals {
    /// The summed counts in `SpecCounts.names` order; `nil` where a count does not apply to the scheme.
    public var specCounts: [Int?] {
        [capacity, requested, kept, dropped, recovered, unrecovered, irTokens, filled, slots, padding,
         residualPadding, crossGPU, coveredTokens, tokens]
    }
}
