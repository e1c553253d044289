import RectifyEngine

/// Everything the screen shows about one mode: the latest step, its per-GPU sums, the run totals
/// and the sparkline histories.
public struct ModeSnapshot: Sendable {
    public let mode: RectifyMode
    /// The latest step's figures; `nil` before the first step.
    public private(set) var latest: StepFigures?
    /// Per GPU sums of the latest step (empty before the first step).
    public private(set) var gpus: [GPUTotals] = []
    /// The largest IR work plus overflow of any one expert in the latest step (scales the bars).
    public private(set) var peakBeyondCapacity = 0
    /// Totals of the current segment: since the settings or preset last changed, or a reset.
    public private(set) var totals: SchemeTotals
    /// Per step: drops still lost after this mode's rectification, `unrecovered / requested`.
    /// (The spec's drop rate is the same for every mode; what IR changes is how many stay lost.)
    public private(set) var lostHistory: SeriesHistory
    /// Per step: `residualPadding / slots`.
    public private(set) var paddingHistory: SeriesHistory
    /// The cost model's mean estimated step time over the current segment; `nil` before an estimate.
    public var estimatedStepSeconds: Double? { totals.cost.meanStepSeconds }

    public init(mode: RectifyMode, historyLength: Int) {
        self.mode = mode
        totals = SchemeTotals(mode: mode)
        lostHistory = SeriesHistory(capacity: historyLength)
        paddingHistory = SeriesHistory(capacity: historyLength)
    }

    /// Adds one routed step, with the cost model's estimate of it when there is one.
    public mutating func record(_ figures: StepFigures, gpus gpuCount: Int, cost: StepCost? = nil) {
        latest = figures
        totals.add(SchemeEvaluation(scheme: .rectify(mode), figures: SchemeFigures(figures), modeFigures: figures,
                                    cost: cost.flatMap { $0.stepSeconds.isFinite ? $0 : nil }, fidelity: nil,
                                    measuredQuality: nil))
        lostHistory.append(figures.requested > 0 ? Float(figures.unrecovered) / Float(figures.requested) : 0)
        paddingHistory.append(figures.slots > 0 ? Float(figures.residualPadding) / Float(figures.slots) : 0)
        let experts = figures.expertKept.count
        guard gpuCount > 0, experts % gpuCount == 0 else {
            gpus = []
            peakBeyondCapacity = 0
            return
        }
        let perGPU = experts / gpuCount
        let expertCapacity = figures.capacity * gpuCount
        var sums = [GPUTotals](repeating: GPUTotals(), count: gpuCount)
        var peak = 0
        for e in 0..<experts {
            let q = e / perGPU
            sums[q].overflow += figures.expertDropped[e]
            sums[q].padding += max(0, expertCapacity - figures.expertKept[e] - figures.expertFilled[e])
            sums[q].irWork += figures.expertIR[e]
            sums[q].filled += figures.expertFilled[e]
            sums[q].load += figures.expertLoad[e]
            peak = max(peak, figures.expertIR[e] + figures.expertDropped[e])
        }
        gpus = sums
        peakBeyondCapacity = peak
    }

    /// Starts the totals of a new segment; the histories go on, marked where it begins.
    public mutating func startSegment() {
        totals = SchemeTotals(mode: mode)
        lostHistory.markSegmentStart()
        paddingHistory.markSegmentStart()
    }

    /// Clears totals and histories; the latest step stays on screen.
    public mutating func resetStatistics() {
        totals = SchemeTotals(mode: mode)
        lostHistory.removeAll()
        paddingHistory.removeAll()
    }

    /// Forgets everything, for a new preset whose shape may differ.
    public mutating func clear() {
        resetStatistics()
        latest = nil
        gpus = []
        peakBeyondCapacity = 0
    }
}
