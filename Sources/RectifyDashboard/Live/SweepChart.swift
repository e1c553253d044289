import RectifyEngine

/// A capacity-factor sweep of the current workload, as far as it has got: for every factor done,
/// each mode's drop rate left after IR, padding rate left after FR, estimated step time and
/// quality (measured, or the output-error proxy), over the same batches.
public struct SweepChart: Sendable, Equatable {
    /// One mode at one capacity factor.
    public struct Point: Sendable, Equatable {
        /// `unrecovered / requested` over the sweep's batches.
        public var lost: Double
        /// `residualPadding / slots` over the sweep's batches.
        public var padding: Double
        /// Mean estimated step time, seconds (cost model); `nil` without an estimate.
        public var stepSeconds: Double?
        public var usefulTokensPerSecond: Double?
        /// The preset's quality file's value at this factor; `nil` where it has none.
        public var measuredQuality: Double?
        /// The layer-distortion proxy (synthetic experts); `nil` without hidden states.
        public var outputError: Double?

        public init(lost: Double, padding: Double, stepSeconds: Double? = nil, usefulTokensPerSecond: Double? = nil,
                    measuredQuality: Double? = nil, outputError: Double? = nil) {
            self.lost = lost
            self.padding = padding
            self.stepSeconds = stepSeconds
            self.usefulTokensPerSecond = usefulTokensPerSecond
            self.measuredQuality = measuredQuality
            self.outputError = outputError
        }
    }

    /// Every factor the sweep covers, in order.
    public var factors: [CapacityFactor]
    /// Batches routed at every factor.
    public var batches: Int
    /// The points computed so far, one per factor done (the first `points.count` factors).
    public var points: [PerMode<Point>]
    /// What was swept (preset and the other settings), for the title.
    public var presetName: String
    /// The workload failed; the sweep stopped.
    public var failure: String?

    public init(factors: [CapacityFactor], batches: Int, points: [PerMode<Point>] = [], presetName: String,
                failure: String? = nil) {
        self.factors = factors
        self.batches = batches
        self.points = points
        self.presetName = presetName
        self.failure = failure
    }

    public var done: Int { points.count }
    public var isComplete: Bool { failure != nil || points.count >= factors.count }

    /// Every mode's point at every factor done, for the recommendation.
    public var tuningPoints: [TuningPoint] {
        zip(factors, points).flatMap { factor, row in
            RectifyMode.allCases.map { mode in
                let p = row[mode]
                return TuningPoint(scheme: .rectify(mode), capacityFactor: factor, lost: p.lost, padding: p.padding,
                                   stepSeconds: p.stepSeconds, usefulTokensPerSecond: p.usefulTokensPerSecond)
            }
        }
    }

    /// The recommendation for `targets` once the sweep is complete; `nil` before, or after a failure.
    public func recommendation(_ targets: TuningTargets) -> Recommendation? {
        guard failure == nil, points.count >= factors.count else { return nil }
        return Recommendation(points: tuningPoints, targets: targets)
    }

    /// The index of the factor nearest `factor` (the lower on a tie); 0 without factors.
    static func nearestIndex(to factor: CapacityFactor, in factors: [CapacityFactor]) -> Int {
        factors.indices.min { abs(factors[$0].tenThousandths - factor.tenThousandths) < abs(factors[$1].tenThousandths - factor.tenThousandths) } ?? 0
    }

    /// The factors the dashboard sweeps: 0.25 to 3.0 in steps of 0.25.
    public static let defaultFactors: [CapacityFactor] = (1...12).map { CapacityFactor(tenThousandths: $0 * 2_500) }
    /// Batches per factor: the same ones at every factor.
    public static let defaultBatches = 4
}

/// The engine's side of a running sweep: the engine's `CapacitySweep` of the four modes, its
/// batches read once, advanced one factor per call so the overlay draws its progress.
final class SweepRun {
    private(set) var chart: SweepChart
    private var sweep: CapacitySweep?

    init(chart: SweepChart, sweep: CapacitySweep?) {
        self.chart = chart
        self.sweep = sweep
    }

    /// Reads the batches from a fresh source of the preset; a failure ends the sweep at once.
    static func start(preset: Preset, config: RoutingConfig, openSource: SourceFactory, router: Router,
                      factors: [CapacityFactor] = SweepChart.defaultFactors,
                      batches count: Int = SweepChart.defaultBatches) -> SweepRun {
        var chart = SweepChart(factors: factors, batches: 0, presetName: preset.name)
        var batches: [RoutingBatch] = []
        do {
            let source = try openSource(preset)
            source.includeHiddenStates(preset.quality == nil)
            batches = try CapacitySweep.readBatches(from: source, count: count)
            if batches.isEmpty { chart.failure = "the workload gave no batches" }
        } catch let error as WorkloadError {
            chart.failure = error.description
        } catch {
            chart.failure = "\(error)"
        }
        chart.batches = batches.count
        let settings = StepEvaluation.Settings(schemes: RectifyMode.allCases.map(RoutingScheme.rectify), cost: preset.cost,
                                               quality: preset.quality, threads: router.threads)
        // The proxy is measured only where the batches carry hidden states and no quality file measures quality.
        let fidelity = preset.quality == nil ? CompareDetails.fidelityOptions(for: preset) : nil
        let evaluator = StepEvaluator(settings: settings, fidelity: fidelity, router: router)
        return SweepRun(chart: chart, sweep: CapacitySweep(batches: batches, config: config, factors: factors,
                                                           evaluator: evaluator))
    }

    /// Routes every batch at the next factor; returns false when the sweep is complete.
    @discardableResult
    func advance() -> Bool {
        guard !chart.isComplete, var sweep else { return false }
        do {
            try sweep.advance()
        } catch {
            chart.failure = String(describing: error)
            return false
        }
        self.sweep = sweep
        guard let row = sweep.rows.last else { return false }
        chart.points.append(PerMode { mode in
            let point = row.first { $0.scheme == .rectify(mode) }
            return SweepChart.Point(lost: point?.lost ?? 0, padding: point?.padding ?? 0, stepSeconds: point?.stepSeconds,
                                    usefulTokensPerSecond: point?.usefulTokensPerSecond,
                                    measuredQuality: point?.measuredQuality, outputError: point?.outputError)
        })
        return !chart.isComplete
    }
}
