/// What the tools show of one routing scheme on one step: its figures, the cost model's estimate,
/// the layer-distortion proxy and the measured quality for these settings, `nil` where one does
/// not apply (no hidden states, no quality file, no measurement for the settings).
public struct SchemeEvaluation: Sendable {
    public let scheme: RoutingScheme
    public let figures: SchemeFigures
    /// A rectify mode's full figures (per-expert detail included); `nil` for a baseline.
    public let modeFigures: StepFigures?
    public let cost: StepCost?
    /// Output-error sums of the step's sampled tokens.
    public let fidelity: FidelityScore?
    /// The preset's quality file's value for exactly these settings (dropless: its reference).
    public let measuredQuality: Double?

    public init(scheme: RoutingScheme, figures: SchemeFigures, modeFigures: StepFigures?, cost: StepCost?,
                fidelity: FidelityScore?, measuredQuality: Double?) {
        self.scheme = scheme
        self.figures = figures
        self.modeFigures = modeFigures
        self.cost = cost
        self.fidelity = fidelity
        self.measuredQuality = measuredQuality
    }

    /// Drops still lost after rectification, `unrecovered / requested`.
    public var lost: Double? { figures.lostRate }
    /// Padding left, `residualPadding / slots`.
    public var padding: Double? { figures.paddingRate }
    public var covered: Double? { figures.coverageRate }
    public var stepSeconds: Double? { cost?.stepSeconds }
    public var usefulTokensPerSecond: Double? { cost?.usefulTokensPerSecond }
    /// Layer-distortion proxy on synthetic experts, not model quality.
    public var outputError: Double? { fidelity?.relativeError }
    public var gateMass: GateMass { figures.gateMass }
}
