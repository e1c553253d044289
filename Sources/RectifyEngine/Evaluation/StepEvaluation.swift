/// Every requested scheme evaluated on one batch: the rectify modes routed once (IR and FR are
/// post-processing of the same vanilla pass), the baselines on the very same tokens, each with its
/// cost estimate, gate mass, output error and measured quality. `run`, `sweep`, the compare view
/// and the dashboard's sweep all evaluate steps this way, so they cannot disagree.
public struct StepEvaluation: Sendable {
    /// What to evaluate and how: the schemes, the cost model, the quality file and the threads baselines use.
    public struct Settings: Sendable, Equatable {
        /// The schemes, in the order the evaluation lists them.
        public var schemes: [RoutingScheme]
        public var cost: CostSettings
        /// The quality file whose values for the step's settings each scheme carries.
        public var quality: MeasuredQuality?
        public var threads: Int

        public init(schemes: [RoutingScheme] = RoutingScheme.allCases, cost: CostSettings = CostSettings(),
                    quality: MeasuredQuality? = nil, threads: Int = 1) {
            self.schemes = schemes
            self.cost = cost
            self.quality = quality
            self.threads = max(1, threads)
        }

        /// The rectify modes among the schemes.
        public var modes: [RectifyMode] { schemes.compactMap(\.mode) }
        public var baselineModes: [BaselineMode] {
            schemes.compactMap { if case .baseline(let mode) = $0 { return mode } else { return nil } }
        }
    }

    public let config: RoutingConfig
    /// The rectify modes' routing (`nil` when no mode was asked for).
    public let analysis: StepAnalysis?
    public let baselines: [BaselineStep]
    /// Output error of every scheme measured; `nil` without hidden states or an `OutputFidelity`.
    public let fidelity: StepFidelity?
    /// One entry per requested scheme that has figures, in the settings' order.
    public let schemes: [SchemeEvaluation]

    /// Routes `batch` with every scheme of `settings` (or takes the modes' routing from
    /// `analysis`, routed by the caller) and measures output error with `fidelity` when given
    /// (the modes need `keepTokenRouting`, which this does when it routes them itself).
    public init(batch: RoutingBatch, config: RoutingConfig, settings: Settings, router: Router,
                fidelity measure: OutputFidelity? = nil, analysis routed: StepAnalysis? = nil) throws(RoutingError) {
        let modes = settings.modes
        var analysis = routed
        if analysis == nil, !modes.isEmpty {
            analysis = try router.route(batch, config: config, modes: Set(modes), keepTokenRouting: measure != nil)
        }
        let baselines = try BaselineRouter.routeAll(batch, config: config, modes: Set(settings.baselineModes),
                                                    keepAssignments: measure != nil, threads: settings.threads)
        let fidelity = measure?.measure(batch: batch, config: config, analysis: analysis, baselines: baselines)
        let cost = settings.cost
        var schemes: [SchemeEvaluation] = []
        for scheme in settings.schemes {
            let figures: SchemeFigures
            let modeFigures: StepFigures?
            let work: StepWork
            switch scheme {
            case .rectify(let mode):
                guard let analysis, let f = analysis.figures(mode) else { continue }
                (figures, modeFigures, work) = (SchemeFigures(f), f,
                                                StepWork(analysis: analysis, figures: f, mode: mode, dispatch: cost.dispatch))
            case .baseline(let mode):
                guard let step = baselines.first(where: { $0.mode == mode }) else { continue }
                (figures, modeFigures, work) = (step.figures, nil, StepWork(baseline: step, dispatch: cost.dispatch))
            }
            schemes.append(SchemeEvaluation(
                scheme: scheme, figures: figures, modeFigures: modeFigures,
                cost: CostModel.estimate(work, settings: cost), fidelity: fidelity?.scores[scheme],
                measuredQuality: settings.quality?.value(config: config, scheme: scheme)))
        }
        self.config = config
        self.analysis = analysis
        self.baselines = baselines
        self.fidelity = fidelity
        self.schemes = schemes
    }

    public subscript(scheme: RoutingScheme) -> SchemeEvaluation? { schemes.first { $0.scheme == scheme } }
}

/// Evaluates a stream of batches with fixed settings, measuring output error with networks made
/// for the first batch that carries hidden states (and kept while the shapes stay the same).
public struct StepEvaluator {
    public let settings: StepEvaluation.Settings
    /// How output error is measured; `nil`: it is not.
    public let fidelityOptions: FidelityOptions?
    public let router: Router
    public private(set) var fidelity: OutputFidelity?

    public init(settings: StepEvaluation.Settings, fidelity: FidelityOptions?, router: Router) {
        self.settings = settings
        self.fidelityOptions = fidelity
        self.router = router
    }

    /// Evaluates one batch at `config`, with `schemes` instead of the settings' when given.
    public mutating func evaluate(_ batch: RoutingBatch, config: RoutingConfig,
                                  schemes: [RoutingScheme]? = nil) throws(RoutingError) -> StepEvaluation {
        var settings = self.settings
        if let schemes { settings.schemes = schemes }
        return try StepEvaluation(batch: batch, config: config, settings: settings, router: router, fidelity: measure(for: batch))
    }

    /// The networks that measure `batch`: made at the first batch with hidden states and kept.
    private mutating func measure(for batch: RoutingBatch) -> OutputFidelity? {
        guard let options = fidelityOptions else { return nil }
        if let fidelity, fidelity.networks.experts == batch.experts,
           batch.hidden.map({ $0.dimension == fidelity.networks.dimension }) ?? true {
            return fidelity
        }
        guard let dimension = batch.hidden?.dimension else { return fidelity }
        fidelity = OutputFidelity(experts: batch.experts, dimension: dimension, options: options,
                                  threads: settings.threads)
        return fidelity
    }
}
