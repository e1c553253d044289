import RectifyEngine

/// The compare view's extra figures for one routing scheme on the latest step: the cost model's
/// estimate, the router-side gate mass, the synthetic layer-distortion proxy and, when the preset's
/// quality file has a point for these settings, the measured quality. `nil` where a figure does
/// not apply (the proxy of a trace, drops of expert-choice, quality nobody measured).
public struct SchemeDetails: Sendable, Equatable {
    /// Drops still lost after rectification, `unrecovered / requested`.
    public var lost: Double?
    /// Padding left, `residualPadding / slots`.
    public var padding: Double?
    public var covered: Double?
    public var stepSeconds: Double?
    public var tokensPerSecond: Double?
    /// Layer-distortion proxy on synthetic experts (`outputError`), not model quality.
    public var outputError: Double?
    /// `intendedGateMass`, `substituteGateMass`.
    public var intended: Double?
    public var substitute: Double?
    /// Measured quality (the preset's quality file) for exactly these settings.
    public var measured: Double?

    public init(lost: Double? = nil, padding: Double? = nil, covered: Double? = nil, stepSeconds: Double? = nil,
                tokensPerSecond: Double? = nil, outputError: Double? = nil, gateMass: GateMass? = nil,
                measured: Double? = nil) {
        self.lost = lost
        self.padding = padding
        self.covered = covered
        self.stepSeconds = stepSeconds
        self.tokensPerSecond = tokensPerSecond
        self.outputError = outputError
        intended = gateMass?.intendedShare
        substitute = gateMass?.substituteShare
        self.measured = measured
    }

    /// A scheme's figures on one step, before cost, output error and quality are known.
    public init(_ figures: SchemeFigures) {
        self.init(lost: figures.lostRate, padding: figures.paddingRate, covered: figures.coverageRate,
                  gateMass: figures.gateMass)
    }

    /// The engine's evaluation of one scheme on one step.
    public init(_ evaluation: SchemeEvaluation) {
        self.init(lost: evaluation.lost, padding: evaluation.padding, covered: evaluation.covered,
                  stepSeconds: evaluation.stepSeconds, tokensPerSecond: evaluation.usefulTokensPerSecond,
                  outputError: evaluation.outputError, gateMass: evaluation.gateMass,
                  measured: evaluation.measuredQuality)
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
    /// How the distortion proxy was measured (`nil`: it was not, no hidden states).
    public var fidelity: FidelityOptions?
    /// The quality file the `measured` values come from.
    public var quality: MeasuredQuality?

    public init(step: Int, config: RoutingConfig, schemes: [RoutingScheme: SchemeDetails],
                fidelity: FidelityOptions? = nil, quality: MeasuredQuality? = nil) {
        self.step = step
        self.config = config
        self.schemes = schemes
        self.fidelity = fidelity
        self.quality = quality
    }

    /// Details are computed on one step in this many (and at once when compare opens or a setting
    /// changes): they cost about as much as routing the step, and the figures move slowly.
    static let interval = 4

    public subscript(scheme: RoutingScheme) -> SchemeDetails? { schemes[scheme] }

    /// Tokens the output error samples per step: enough for a stable figure, cheap on the engine thread.
    static let fidelityOptions = FidelityOptions(sampleTokens: 32)

    /// The preset's proxy settings (expert similarity, reference) at the compare view's sample size.
    static func fidelityOptions(for preset: Preset) -> FidelityOptions {
        var options = preset.fidelity
        options.sampleTokens = fidelityOptions.sampleTokens
        return options
    }

    /// Computes the details of one batch already routed into `analysis` (`nil` when the batch no
    /// longer fits the settings).
    static func compute(step: Int, batch: RoutingBatch, config: RoutingConfig, analysis: StepAnalysis,
                        fidelity: OutputFidelity?, router: Router, cost costSettings: CostSettings = CostSettings(),
                        quality: MeasuredQuality? = nil) -> CompareDetails? {
        let settings = StepEvaluation.Settings(schemes: RoutingScheme.allCases, cost: costSettings, quality: quality,
                                               threads: router.threads)
        guard let evaluation = try? StepEvaluation(batch: batch, config: config, settings: settings, router: router,
                                                   fidelity: fidelity, analysis: analysis) else { return nil }
        var schemes: [RoutingScheme: SchemeDetails] = [:]
        for scheme in evaluation.schemes { schemes[scheme.scheme] = SchemeDetails(scheme) }
        return CompareDetails(step: step, config: config, schemes: schemes, fidelity: fidelity?.options, quality: quality)
    }
}
