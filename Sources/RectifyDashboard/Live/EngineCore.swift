import RectifyEngine

/// Opens the batch stream of a preset; called on the engine thread, which then owns the source.
public typealias SourceFactory = @Sendable (Preset) throws -> any BatchSource

/// The engine's working state: source, router, totals and histories. Not thread-safe; `LiveEngine`
/// keeps it behind a lock that only the engine thread (or a test driving it) takes.
final class EngineCore {
    private(set) var preset: Preset
    private(set) var config: RoutingConfig
    private var source: (any BatchSource)?
    private let router: Router
    private let threads: Int
    private let openSource: SourceFactory
    private let historyLength: Int
    private let memoryBudget: MemoryBudget
    private(set) var modes: PerMode<ModeSnapshot>
    /// The segment the totals in `modes` belong to, and the one before it with its totals.
    private(set) var segment: Segment
    private(set) var previousSegment: FinishedSegment?
    /// The latest figures come from routing the latest batch again with new settings.
    private(set) var rerouted = false
    private(set) var step = 0
    private(set) var batchStep: Int?
    private(set) var endOfTrace = false
    /// A followed capture has nothing new: poll again shortly (the engine does not spin).
    private(set) var waitingForSource = false
    /// A workload or routing error stopped the stream; a reset, a new setting or preset retries.
    private(set) var halted = false
    private(set) var message: String?
    private(set) var failureSerial = 0
    /// The compare view is open: baselines, cost and output error are computed every few steps.
    private(set) var detailsEnabled = false
    private(set) var details: CompareDetails?
    /// The latest batch and its routing, so details can be computed at once when compare opens.
    private var lastBatch: RoutingBatch?
    private var lastAnalysis: StepAnalysis?
    private var fidelity: OutputFidelity?
    private(set) var sweep: SweepRun?

    init(preset: Preset, threads: Int, historyLength: Int, memoryBudget: MemoryBudget = .standard,
         openSource: @escaping SourceFactory) {
        self.memoryBudget = memoryBudget
        self.preset = preset
        self.openSource = openSource
        self.config = preset.routing
        self.threads = max(1, threads)
        self.historyLength = max(1, historyLength)
        router = Router(threads: self.threads)
        modes = PerMode { ModeSnapshot(mode: $0, historyLength: max(1, historyLength)) }
        segment = Segment(serial: 1, presetName: preset.name, config: preset.routing)
    }

    /// True when `routeNext` may produce a step.
    var canStep: Bool { !endOfTrace && !halted }

    /// Opens the preset's source; on failure keeps the old preset and source and says why.
    func switchPreset(_ next: Preset) {
        do {
            try next.routing.validate()
            try memoryBudget.check(next.memoryEstimate(batchesHeld: Preset.dashboardBatchesHeld, hidden: true))
            let opened = try openSource(next)
            source = opened
            configure(opened)
            lastBatch = nil
            lastAnalysis = nil
            details = nil
            preset = next
            config = next.routing
            closeSegment()
            modes = PerMode { ModeSnapshot(mode: $0, historyLength: historyLength) }
            rerouted = false
            endOfTrace = false
            halted = false
            message = nil
        } catch {
            // Every error here (ConfigError, WorkloadError, MemoryError) describes itself.
            reject("preset \(next.name): \(error)")
        }
    }

    /// Takes a new routing configuration if it is valid and fits the batches the source produces.
    func setConfig(_ next: RoutingConfig) {
        do {
            try next.validate()
        } catch {
            reject("setting rejected: \(error.description)")
            return
        }
        if let source, source.tokens != next.tokens || source.experts != next.experts {
            reject("setting rejected: batches have \(source.tokens) tokens x \(source.experts) experts, the setting needs \(next.tokens) x \(next.experts)")
            return
        }
        let changed = next != config
        config = next
        if changed { startSegment() }
        halted = false
        // A good setting clears an earlier complaint; the end of a trace stays reported.
        if !endOfTrace { message = nil }
    }

    /// Clears totals and histories; replays a finished trace and retries after an error.
    func resetStatistics() {
        for mode in RectifyMode.allCases { modes[mode].resetStatistics() }
        previousSegment = nil
        segment = Segment(serial: segment.serial + 1, presetName: preset.name, config: config)
        if endOfTrace {
            source?.rewind()
            endOfTrace = false
        }
        halted = false
        message = nil
    }

    /// Routes the next batch for all four modes; returns whether a step was added.
    @discardableResult
    func routeNext() -> Bool {
        guard canStep else { return false }
        return attempt {
            let current: any BatchSource
            if let source {
                current = source
            } else {
                current = try openSource(preset)
                source = current
                configure(current)
            }
            let next = try current.nextBatch()
            waitingForSource = next == nil && current.follow != nil
            guard let batch = next else {
                if waitingForSource { return false }
                endOfTrace = true
                let batches = batchStep.map { $0 + 1 } ?? 0
                message = "end of trace after \(batches) \(batches == 1 ? "batch" : "batches"): r replays it"
                return false
            }
            try record(batch, rerouting: false)
            return true
        }
    }

    /// Routes the latest batch again with the settings now in effect (a change while paused), so
    /// the figures before and after the change are for the very same batch. The step count stays.
    @discardableResult
    func rerouteLatest() -> Bool {
        guard !halted, let batch = lastBatch, batch.tokens == config.tokens, batch.experts == config.experts else {
            return false
        }
        return attempt {
            try record(batch, rerouting: true)
            return true
        }
    }

    /// Runs a routing attempt; a workload or routing error halts the stream and says why.
    private func attempt(_ body: () throws -> Bool) -> Bool {
        do {
            return try body()
        } catch let error as WorkloadError {
            halt("workload: \(error.description)")
        } catch let error as RoutingError {
            halt("routing: \(error.description)")
        } catch {
            halt("\(error)")
        }
        return false
    }

    /// Routes `batch` with the current settings and adds its figures to the current segment.
    private func record(_ batch: RoutingBatch, rerouting: Bool) throws {
        // Baselines and fidelity cost about as much as the step itself: one step in a few.
        let detailsDue = detailsEnabled
            && (details.map { step + 1 - $0.step >= CompareDetails.interval || $0.config != config } ?? true)
        let analysis = try router.route(batch, config: config,
                                        keepTokenRouting: detailsDue && batch.hidden != nil)
        for mode in RectifyMode.allCases {
            guard let figures = analysis.figures(mode) else { continue }
            // The headline's step time: the cost model on this step's work (cheap: G x E sums).
            let cost = CostModel.estimate(StepWork(analysis: analysis, figures: figures, mode: mode,
                                                   dispatch: preset.cost.dispatch), settings: preset.cost)
            modes[mode].record(figures, gpus: config.gpus, cost: cost)
        }
        if !rerouting { step += 1 }
        batchStep = batch.step
        rerouted = rerouting
        if segment.firstStep == nil {
            segment.firstStep = step
            segment.rerouted = rerouting
        }
        // Keep the batch (a reference, no copy): opening compare or a change while paused routes it again.
        lastBatch = batch
        if detailsEnabled {
            lastAnalysis = analysis
            if detailsDue { computeDetails() }
        } else {
            lastAnalysis = nil
        }
    }

    /// Closes the current segment (kept for comparison when it has steps) and opens one for the
    /// preset and settings now in effect.
    private func closeSegment() {
        if segment.firstStep != nil {
            previousSegment = FinishedSegment(segment: segment, totals: PerMode { modes[$0].totals })
        }
        segment = Segment(serial: segment.serial + 1, presetName: preset.name, config: config)
    }

    /// A settings change: a new segment, every mode's totals restarted, its histories marked there.
    private func startSegment() {
        closeSegment()
        for mode in RectifyMode.allCases { modes[mode].startSegment() }
    }

    var sourceLabel: String? { source?.label }
    var follow: FollowStatus? { source?.follow }

    // MARK: Compare details

    /// Turns the compare view's extra figures on or off; on, the latest step gets them at once.
    func setDetails(_ enabled: Bool) {
        guard enabled != detailsEnabled else { return }
        detailsEnabled = enabled
        if let source { configure(source) }
        if enabled {
            if details?.step != step { computeDetails() }
        } else {
            details = nil
            lastAnalysis = nil
        }
    }

    /// Synthetic sources make hidden states (for output error) only while details are wanted.
    private func configure(_ source: any BatchSource) {
        source.includeHiddenStates(detailsEnabled)
    }

    private func computeDetails() {
        guard let batch = lastBatch, batch.tokens == config.tokens, batch.experts == config.experts else { return }
        let analysis: StepAnalysis
        if let lastAnalysis, lastAnalysis.config == config {
            analysis = lastAnalysis
        } else {
            guard let routed = try? router.route(batch, config: config, keepTokenRouting: batch.hidden != nil) else { return }
            analysis = routed
        }
        var measure: OutputFidelity?
        if let hidden = batch.hidden {
            let options = CompareDetails.fidelityOptions(for: preset)
            if let fidelity, fidelity.networks.experts == batch.experts, fidelity.networks.dimension == hidden.dimension,
               fidelity.options == options {
                measure = fidelity
            } else {
                measure = OutputFidelity(experts: batch.experts, dimension: hidden.dimension, options: options)
                fidelity = measure
            }
        }
        details = CompareDetails.compute(step: step, batch: batch, config: config, analysis: analysis,
                                         fidelity: measure, router: router, cost: preset.cost, quality: preset.quality)
    }

    // MARK: Sweep

    /// Starts a capacity-factor sweep of the current preset and settings (replacing any running one).
    func startSweep() {
        sweep = SweepRun.start(preset: preset, config: config, openSource: openSource, router: router)
    }

    func cancelSweep() { sweep = nil }

    /// Routes the sweep's next factor, if one is running.
    func advanceSweep() {
        sweep?.advance()
    }

    var sweepPending: Bool { sweep.map { !$0.chart.isComplete } ?? false }

    private func reject(_ text: String) {
        message = text
        failureSerial += 1
    }

    private func halt(_ text: String) {
        message = text
        halted = true
    }
}
