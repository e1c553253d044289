import RectifyEngine

/// What `rectify run` measured: per mode, each step's figures and the run's totals.
struct RunReport {
    /// Issue 4 figures of one step of one mode, beside its spec figures.
    struct StepEstimate: Equatable {
        /// Layer-distortion proxy: relative L2 error of the layer output on synthetic experts
        /// against the dropless reference on the step's sampled tokens; `nil` when the batch
        /// carries no hidden states (traces).
        var outputError: Double?
        /// Estimated step time, seconds (cost model).
        var stepTime: Double?
        /// Covered tokens per estimated second; `nil` for a step that takes no time.
        var usefulTokensPerSecond: Double?
    }

    /// The `G x E` matrices `--detail` prints, without the per-token routing the analysis may
    /// carry for output fidelity (which would make a long `--detail` run hold every token).
    struct StepDetail {
        let gpus: Int
        let requestedPerGpuExpert: [Int32]
        let keptPerGpuExpert: [Int32]
        let filledPerGpuExpert: [Int32]

        init(_ analysis: StepAnalysis) {
            gpus = analysis.config.gpus
            requestedPerGpuExpert = analysis.requestedPerGpuExpert
            keptPerGpuExpert = analysis.keptPerGpuExpert
            filledPerGpuExpert = analysis.filledPerGpuExpert
        }
    }

    /// One step of one mode as the outputs print it.
    struct ModeStep {
        let figures: StepFigures
        let estimate: StepEstimate
        let detail: StepDetail?
    }

    /// Where the steps go: kept for the output (json, a table with --detail), written to a spool
    /// as text (csv, jsonl) so memory stays flat in --steps, or only the latest (streamed).
    enum StepStorage {
        case keep
        case spool(StepSpool, OutputFormat)
        case latestOnly
    }

    struct ModeRun {
        let mode: RectifyMode
        /// Every step, with `StepStorage.keep`.
        var steps: [ModeStep] = []
        /// The step recorded last, whatever the storage.
        var latest: ModeStep?
        /// Figures, cost estimates and output error summed over the steps.
        var totals: SchemeTotals

        /// The run's output error: `sqrt(sum error^2 / sum reference^2)` over every sampled token.
        var outputError: Double? { totals.outputError }
        var cost: CostTotals { totals.cost }
    }

    /// With `--follow`: where a routed step came from and how late it was routed.
    struct FollowedStep: Equatable {
        var captureStep: Int
        var session: String
        /// Seconds from the step's writing to its routing.
        var lag: Double
        /// Complete steps passed over for this newer one since the previous routed step.
        var skippedBefore: Int
    }

    let preset: Preset
    let requestedSteps: Int
    /// With `--follow`: one entry per routed step, the follower's final state, and what ended it.
    var followed: [FollowedStep] = []
    var followStatus: FollowStatus?
    var stoppedBy: String?
    let costSettings: CostSettings
    var costParameters: CostParameters { costSettings.parameters }
    let fidelityOptions: FidelityOptions
    /// Whether output error was measured (the batches carry hidden states).
    var measuredFidelity = false
    var runs: [ModeRun]
    let storage: StepStorage
    private(set) var stepsRun = 0

    init(preset: Preset, modes: [RectifyMode], requestedSteps: Int, storage: StepStorage = .keep,
         costSettings: CostSettings = CostSettings(), fidelityOptions: FidelityOptions = FidelityOptions()) {
        self.preset = preset
        self.storage = storage
        self.requestedSteps = requestedSteps
        self.costSettings = costSettings
        self.fidelityOptions = fidelityOptions
        runs = modes.map { ModeRun(mode: $0, totals: SchemeTotals(mode: $0)) }
    }

    /// The evaluation settings of the run's modes: figures, cost estimate and quality lookup.
    func evaluationSettings(threads: Int) -> StepEvaluation.Settings {
        StepEvaluation.Settings(schemes: runs.map { .rectify($0.mode) }, cost: costSettings, quality: preset.quality,
                                threads: threads)
    }

    /// Evaluates `batch` at the preset's settings and adds it.
    mutating func record(_ batch: RoutingBatch, evaluator: inout StepEvaluator, keepDetail: Bool) throws(CLIError) {
        let evaluation: StepEvaluation
        do { evaluation = try evaluator.evaluate(batch, config: preset.routing) } catch { throw .runtime(error.description) }
        try record(evaluation, keepDetail: keepDetail)
    }

    /// Adds one evaluated step: its figures, its cost estimate and, when measured, its output error.
    mutating func record(_ evaluation: StepEvaluation, keepDetail: Bool) throws(CLIError) {
        if evaluation.fidelity != nil { measuredFidelity = true }
        for index in runs.indices {
            let mode = runs[index].mode
            guard let scheme = evaluation[.rectify(mode)], let figures = scheme.modeFigures else { continue }
            runs[index].totals.add(scheme)
            let step = ModeStep(figures: figures,
                                estimate: StepEstimate(outputError: scheme.outputError, stepTime: scheme.stepSeconds,
                                                       usefulTokensPerSecond: scheme.usefulTokensPerSecond),
                                detail: keepDetail ? evaluation.analysis.map(StepDetail.init) : nil)
            runs[index].latest = step
            switch storage {
            case .keep: runs[index].steps.append(step)
            case .spool(let spool, let format): try spool.append(index, Self.stepText(step, mode: mode, format: format))
            case .latestOnly: break
            }
        }
        stepsRun += 1
    }
}

/// The resolved configuration as JSON (also the first line of JSONL).
enum ConfigJSON {
    static func make(_ preset: Preset, steps: Int, modes: [RectifyMode]) -> JSONValue {
        let r = preset.routing
        return .object([
            ("preset", .string(preset.name)),
            ("description", .string(preset.description)),
            ("source", preset.source.map(JSONValue.string) ?? .null),
            ("workload", workload(preset.workload)),
            ("gpus", .int(r.gpus)),
            ("experts", .int(r.experts)),
            ("expertsPerGPU", .int(r.expertsPerGPU)),
            ("topK", .int(r.topK)),
            ("tokensPerGPU", .int(r.tokensPerGPU)),
            ("tokens", .int(r.tokens)),
            ("capacityFactor", .number(r.capacityFactor.description)),
            ("capacity", .int(r.capacity)),
            ("slots", .int(r.slots)),
            ("minCapacity", .int(r.minCapacity)),
            ("dropPolicy", .string(r.dropPolicy.rawValue)),
            ("irCapacityFactor", r.irCapacityFactor.map { .number($0.description) } ?? .null),
            ("gateNormalization", .string(r.gateNormalization.rawValue)),
            ("steps", .int(steps)),
            ("modes", .array(modes.map { .string($0.rawValue) })),
        ])
    }

    /// The cost model's parameters behind `stepTime` and `usefulTokensPerSecond`.
    static func costParameters(_ c: CostParameters) -> JSONValue {
        .object([
            ("hiddenSize", .int(c.hiddenSize)), ("ffnSize", .int(c.ffnSize)), ("ffnMatrices", .int(c.ffnMatrices)),
            ("bytesPerElement", .int(c.bytesPerElement)), ("peakFLOPS", .double(c.peakFLOPS)),
            ("intraNodeBandwidth", .double(c.intraNodeBandwidth)), ("interNodeBandwidth", .double(c.interNodeBandwidth)),
            ("gpusPerNode", .int(c.gpusPerNode)),
        ])
    }

    /// How output error was measured, or null when it was not (no hidden states).
    static func fidelity(_ options: FidelityOptions, measured: Bool) -> JSONValue {
        guard measured else { return .null }
        return .object([
            ("sampleTokens", .int(options.sampleTokens)), ("seed", .number(String(options.seed))),
            ("expansion", .int(options.expansion)), ("expertSimilarity", .double(options.expertSimilarity)),
            ("reference", .string(options.reference.rawValue)),
        ])
    }

    static func workload(_ spec: WorkloadSpec) -> JSONValue {
        switch spec {
        case .trace(let trace):
            return .object([("kind", .string("trace")), ("path", .string(trace.path)),
                            ("layer", trace.layer.map(JSONValue.string) ?? .null), ("loop", .bool(trace.loop))])
        case .follow(let follow):
            return .object([("kind", .string("follow")), ("path", .string(follow.path)),
                            ("layer", follow.layer.map(JSONValue.string) ?? .null), ("loop", .bool(false))])
        case .synthetic(let p):
            return .object([
                ("kind", .string("synthetic")), ("seed", .number(String(p.seed))), ("hiddenSize", .int(p.hiddenSize)),
                ("topics", .int(p.topics)), ("topicSpread", .double(p.topicSpread)), ("tokenNoise", .double(p.tokenNoise)),
                ("shardSpecialization", .double(p.shardSpecialization)), ("popularitySkew", .double(p.popularitySkew)),
                ("temperature", .double(p.temperature)), ("drift", .double(p.drift)), ("burstEvery", .int(p.burstEvery)),
                ("burstLength", .int(p.burstLength)), ("burstBoost", .double(p.burstBoost)),
            ])
        }
    }
}

/// Spec section 7 figures as JSON objects, names exactly as in the spec, followed by issue 4's
/// `outputError` (a layer-distortion proxy), `stepTime` and `usefulTokensPerSecond` (null where
/// they do not apply), then the gate-mass figures.
enum FiguresJSON {
    static func step(_ f: StepFigures, estimate: RunReport.StepEstimate?, detail: RunReport.StepDetail?) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("step", .int(f.step))]
            + zip(SpecCounts.names, f.specCounts).map { ($0, .int($1)) } + [
            ("gpuLoad", .ints(f.gpuLoad)), ("imbalance", .double(f.imbalance)),
            ("outputError", .double(estimate?.outputError)), ("stepTime", .double(estimate?.stepTime)),
            ("usefulTokensPerSecond", .double(estimate?.usefulTokensPerSecond)),
        ] + QualityJSON.gateMass(f.gateMass)
        if let detail {
            let g = detail.gpus
            let zeros = [Int32](repeating: 0, count: detail.filledPerGpuExpert.count)
            members += [
                ("requestedPerGpuExpert", matrix(detail.requestedPerGpuExpert, rows: g)),
                ("keptPerGpuExpert", matrix(detail.keptPerGpuExpert, rows: g)),
                ("filledPerGpuExpert", matrix(f.mode.usesFR ? detail.filledPerGpuExpert : zeros, rows: g)),
                ("irPerExpert", .ints(f.expertIR)),
            ]
        }
        return .object(members)
    }

    static func total(_ run: RunReport.ModeRun) -> JSONValue {
        let t = run.totals
        return .object([("steps", .int(t.steps))] + zip(SpecCounts.names, t.specCounts).map { ($0, count($1)) } + [
            ("gpuLoad", .ints(t.gpuLoad)), ("imbalance", .double(t.imbalance)),
            ("dropRate", .double(t.dropRate)), ("paddingRate", .double(t.paddingRate)),
            ("outputError", .double(run.outputError)), ("stepTime", .double(t.cost.meanStepSeconds)),
            ("usefulTokensPerSecond", .double(t.cost.usefulTokensPerSecond)),
        ] + QualityJSON.gateMass(t.gateMass))
    }

    /// A count, or null where it does not apply to the scheme.
    static func count(_ value: Int?) -> JSONValue { value.map(JSONValue.int) ?? .null }

    private static func matrix(_ values: [Int32], rows: Int) -> JSONValue {
        guard rows > 0 else { return .array([]) }
        let columns = values.count / rows
        return .array((0..<rows).map { row in .ints(values[(row * columns)..<((row + 1) * columns)].map(Int.init)) })
    }
}
