import RectifyEngine

/// A capacity-factor sweep of the current workload, as far as it has got: for every factor done,
/// each mode's drop rate left after IR and padding rate left after FR, averaged over the same batches.
public struct SweepChart: Sendable, Equatable {
    /// One mode at one capacity factor.
    public struct Point: Sendable, Equatable {
        /// `unrecovered / requested` over the sweep's batches.
        public var lost: Double
        /// `residualPadding / slots` over the sweep's batches.
        public var padding: Double

        public init(lost: Double, padding: Double) {
            self.lost = lost
            self.padding = padding
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
            batches = try CapacitySweep.readBatches(from: try openSource(preset), count: count)
            if batches.isEmpty { chart.failure = "the workload gave no batches" }
        } catch let error as WorkloadError {
            chart.failure = error.description
        } catch {
            chart.failure = "\(error)"
        }
        chart.batches = batches.count
        let settings = StepEvaluation.Settings(schemes: RectifyMode.allCases.map(RoutingScheme.rectify), cost: preset.cost,
                                               threads: router.threads)
        let evaluator = StepEvaluator(settings: settings, fidelity: nil, router: router)
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
            return SweepChart.Point(lost: point?.lost ?? 0, padding: point?.padding ?? 0)
        })
        return !chart.isComplete
    }
}
