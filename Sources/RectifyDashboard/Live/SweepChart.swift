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

/// The engine's side of a running sweep: its batches, read once, routed again at every factor.
final class SweepRun {
    private(set) var chart: SweepChart
    private let batches: [RoutingBatch]
    private let config: RoutingConfig

    init(chart: SweepChart, batches: [RoutingBatch], config: RoutingConfig) {
        self.chart = chart
        self.batches = batches
        self.config = config
    }

    /// Reads the batches from a fresh source of the preset; a failure ends the sweep at once.
    static func start(preset: Preset, config: RoutingConfig, openSource: SourceFactory,
                      factors: [CapacityFactor] = SweepChart.defaultFactors,
                      batches count: Int = SweepChart.defaultBatches) -> SweepRun {
        var chart = SweepChart(factors: factors, batches: 0, presetName: preset.name)
        var batches: [RoutingBatch] = []
        do {
            let source = try openSource(preset)
            while batches.count < count, let batch = try source.nextBatch() {
                batches.append(batch)
            }
            if batches.isEmpty { chart.failure = "the workload gave no batches" }
        } catch let error as WorkloadError {
            chart.failure = error.description
        } catch {
            chart.failure = "\(error)"
        }
        chart.batches = batches.count
        return SweepRun(chart: chart, batches: batches, config: config)
    }

    /// Routes every batch at the next factor; returns false when the sweep is complete.
    @discardableResult
    func advance(router: Router) -> Bool {
        guard !chart.isComplete else { return false }
        var config = self.config
        config.capacityFactor = chart.factors[chart.points.count]
        var unrecovered = PerMode { _ in 0 }, requested = PerMode { _ in 0 }
        var residual = PerMode { _ in 0 }, slots = PerMode { _ in 0 }
        do {
            for batch in batches {
                let analysis = try router.route(batch, config: config)
                for mode in RectifyMode.allCases {
                    guard let f = analysis.figures(mode) else { continue }
                    unrecovered[mode] += f.unrecovered
                    requested[mode] += f.requested
                    residual[mode] += f.residualPadding
                    slots[mode] += f.slots
                }
            }
        } catch {
            chart.failure = error.description
            return false
        }
        chart.points.append(PerMode { mode in
            SweepChart.Point(lost: requested[mode] > 0 ? Double(unrecovered[mode]) / Double(requested[mode]) : 0,
                             padding: slots[mode] > 0 ? Double(residual[mode]) / Double(slots[mode]) : 0)
        })
        return !chart.isComplete
    }
}
