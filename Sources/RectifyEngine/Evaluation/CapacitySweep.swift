/// A capacity-factor sweep: the batches are read once and evaluated again at every factor, with
/// every scheme, so every point sees the same tokens. It advances one factor at a time: the
/// dashboard draws its progress between factors, the CLI runs it to the end.
public struct CapacitySweep {
    /// One scheme at one capacity factor, summed over the sweep's batches.
    public struct Point: Sendable, Equatable {
        public let scheme: RoutingScheme
        public let capacityFactor: CapacityFactor
        /// Figures, cost estimates and output-error sums over the batches.
        public let totals: SchemeTotals
        /// The quality file's value for these settings (dropless: its reference); `nil` where none.
        public let measuredQuality: Double?

        public init(scheme: RoutingScheme, capacityFactor: CapacityFactor, totals: SchemeTotals, measuredQuality: Double?) {
            self.scheme = scheme
            self.capacityFactor = capacityFactor
            self.totals = totals
            self.measuredQuality = measuredQuality
        }

        /// Batches behind the point.
        public var steps: Int { totals.steps }
        /// `unrecovered / requested` over the batches: requests left uncomputed.
        public var lost: Double? { totals.lostRate }
        /// `residualPadding / slots` over the batches.
        public var padding: Double? { totals.paddingRate }
        public var covered: Double? { totals.coverageRate }
        /// Mean estimated step time, seconds (cost model).
        public var stepSeconds: Double? { totals.cost.meanStepSeconds }
        /// Covered tokens over estimated time.
        public var usefulTokensPerSecond: Double? { totals.cost.usefulTokensPerSecond }
        /// Layer-distortion proxy (synthetic experts), `nil` without hidden states.
        public var outputError: Double? { totals.outputError }
        public var gateMass: GateMass { totals.gateMass }
    }

    /// The configuration swept; its capacity factor is replaced by each factor in turn.
    public let config: RoutingConfig
    /// The factors, in the order they are evaluated.
    public let factors: [CapacityFactor]
    public let batches: [RoutingBatch]
    private var evaluator: StepEvaluator
    /// One row per factor done, one point per scheme in `schemes` order.
    public private(set) var rows: [[Point]] = []

    /// Sweeps `batches` (read once by the caller, e.g. with `readBatches`).
    public init(batches: [RoutingBatch], config: RoutingConfig, factors: [CapacityFactor], evaluator: StepEvaluator) {
        self.batches = batches
        self.config = config
        self.factors = factors
        self.evaluator = evaluator
    }

    /// Up to `count` batches of `source`, fewer when it ends.
    public static func readBatches(from source: any BatchSource, count: Int) throws(WorkloadError) -> [RoutingBatch] {
        var batches: [RoutingBatch] = []
        while batches.count < count, let batch = try source.nextBatch() { batches.append(batch) }
        return batches
    }

    public var schemes: [RoutingScheme] { evaluator.settings.schemes }
    /// Factors done.
    public var done: Int { rows.count }
    public var isComplete: Bool { rows.count >= factors.count }
    /// Whether output error is measured: asked for, and the batches carry hidden states.
    public var measuresFidelity: Bool { evaluator.fidelityOptions != nil && batches.first?.hidden != nil }

    /// The configuration of factor `factor`, checked.
    public func config(at factor: CapacityFactor) throws(ConfigError) -> RoutingConfig {
        var config = self.config
        config.capacityFactor = factor
        try config.validate()
        return config
    }

    /// Schemes whose every figure, cost, output error and quality value is the same at any
    /// capacity factor (dropless has no capacity): evaluated at the first factor only, and that
    /// point is carried to the others.
    static let factorFree: Set<RoutingScheme> = [.baseline(.dropless)]

    /// Evaluates every batch at the next factor; returns false once the sweep is complete.
    /// Throws `ConfigError` for a factor the configuration refuses, `RoutingError` from routing.
    @discardableResult
    public mutating func advance() throws -> Bool {
        guard !isComplete else { return false }
        let factor = factors[rows.count]
        let config = try config(at: factor)
        // A scheme listed twice keeps its first entry, as `evaluation[scheme]` does.
        let first = rows.first.map { Dictionary(zip(schemes, $0), uniquingKeysWith: { a, _ in a }) } ?? [:]
        let carried = { (scheme: RoutingScheme) in Self.factorFree.contains(scheme) ? first[scheme] : nil }
        let evaluated = schemes.filter { carried($0) == nil }
        var totals = evaluated.map(SchemeTotals.init)
        for batch in batches {
            let evaluation = try evaluator.evaluate(batch, config: config, schemes: evaluated)
            for (index, scheme) in evaluated.enumerated() {
                if let step = evaluation[scheme] { totals[index].add(step) }
            }
        }
        let quality = evaluator.settings.quality
        let sums = Dictionary(zip(evaluated, totals), uniquingKeysWith: { a, _ in a })
        rows.append(schemes.map { scheme in
            if let point = carried(scheme) {
                return Point(scheme: scheme, capacityFactor: factor, totals: point.totals, measuredQuality: point.measuredQuality)
            }
            return Point(scheme: scheme, capacityFactor: factor, totals: sums[scheme] ?? SchemeTotals(scheme),
                         measuredQuality: quality?.value(config: config, scheme: scheme))
        })
        return !isComplete
    }

    /// Evaluates every remaining factor.
    public mutating func run() throws {
        while try advance() {}
    }

    /// Every point of `scheme` done so far, in factor order.
    public func points(_ scheme: RoutingScheme) -> [Point] { rows.compactMap { $0.first { $0.scheme == scheme } } }

    /// Every point, scheme-major: every factor of the first scheme, then of the next.
    public var allPoints: [Point] { schemes.flatMap(points) }
}
