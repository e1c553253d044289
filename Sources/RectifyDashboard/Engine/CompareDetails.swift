import RectifyEngine

/// The compare view's extra figures for one routing scheme on the latest step: the cost model's
/// estimate and the output error. `nil` where a figure does not apply (output error of a trace,
/// drops of expert-choice).
public struct SchemeDetails: Sendable, Equatable {
    /// Drops still lost after rectification, `unrecovered / requested`.
    public var lost: Double?
    /// Padding left, `residualPadding / slots`.
    public var padding: Double?
    public var covered: Double?
    public var stepSeconds: Double?
    public var tokensPerSecond: Double?
    public var outputError: Double?

    public init(lost: Double? = nil, padding: Double? = nil, covered: Double? = nil, stepSeconds: Double? = nil,
                tokensPerSecond: Double? = nil, outputError: Double? = nil) {
        self.lost = lost
        self.padding = padding
        self.covered = covered
        self.stepSeconds = stepSeconds
        self.tokensPerSecond = tokensPerSecond
        self.outputError = outputError
    }
}

/// Baselines, cost and fidelity of one step for all six schemes. The engine computes them only
/// while the compare view is open, on one step in `interval`, so the main view's rate does not pay for them.
public struct CompareDetails: Sendable, Equatable {
    /// The engine step (`EngineSnapshot.step`) these figures belong to.
    public var step: Int
    /// The settings of that step (a new setting gets fresh details at its first step).
    public var config: RoutingConfig
    public var schemes: [RoutingScheme: SchemeDetails]

    public init(step: Int, config: RoutingConfig, schemes: [RoutingScheme: SchemeDetails]) {
        self.step = step
        self.config = config
        self.schemes = schemes
    }

    /// Details are computed on one step in this many (and at once when compare opens or a setting
    /// changes): they cost about as much as routing the step, and the figures move slowly.
    static let interval = 4

    public subscript(scheme: RoutingScheme) -> SchemeDetails? { schemes[scheme] }

    /// Tokens the output error samples per step: enough for a stable figure, cheap on the engine thread.
    static let fidelityOptions = FidelityOptions(sampleTokens: 32)

    /// Computes the details of one batch already routed into `analysis`.
    static func compute(step: Int, batch: RoutingBatch, config: RoutingConfig, analysis: StepAnalysis,
                        fidelity: OutputFidelity?, threads: Int) -> CompareDetails {
        let parameters = CostParameters()
        var schemes: [RoutingScheme: SchemeDetails] = [:]
        for mode in RectifyMode.allCases {
            guard let figures = analysis.figures(mode) else { continue }
            var details = SchemeDetails(lost: ratio(figures.unrecovered, figures.requested),
                                        padding: ratio(figures.residualPadding, figures.slots),
                                        covered: ratio(figures.coveredTokens, figures.tokens))
            if let work = StepWork(analysis: analysis, mode: mode) {
                let cost = CostModel.estimate(work, parameters: parameters)
                details.stepSeconds = cost.stepSeconds
                details.tokensPerSecond = cost.usefulTokensPerSecond
            }
            schemes[.rectify(mode)] = details
        }
        let baselines = (try? BaselineRouter.routeAll(batch, config: config, keepAssignments: fidelity != nil,
                                                      threads: threads)) ?? []
        for baseline in baselines {
            let f = baseline.figures
            let cost = CostModel.estimate(StepWork(baseline: baseline), parameters: parameters)
            schemes[.baseline(baseline.mode)] = SchemeDetails(
                lost: f.unrecovered.flatMap { u in f.requested.flatMap { ratio(u, $0) } },
                padding: f.paddingRate, covered: f.coverageRate, stepSeconds: cost.stepSeconds,
                tokensPerSecond: cost.usefulTokensPerSecond)
        }
        if let fidelity, let measured = fidelity.measure(batch: batch, config: config, analysis: analysis, baselines: baselines) {
            for scheme in RoutingScheme.allCases {
                schemes[scheme]?.outputError = measured.relativeError(scheme)
            }
        }
        return CompareDetails(step: step, config: config, schemes: schemes)
    }

    static func ratio(_ part: Int, _ whole: Int) -> Double? { whole > 0 ? Double(part) / Double(whole) : nil }
}
