import RectifyEngine

/// What `rectify run` measured: per mode, each step's figures and the run's totals.
struct RunReport {
    struct ModeRun {
        let mode: RectifyMode
        var steps: [StepFigures] = []
        var details: [StepAnalysis] = []
        var totals: RunTotals
    }

    let preset: Preset
    let requestedSteps: Int
    var runs: [ModeRun]

    init(preset: Preset, modes: [RectifyMode], requestedSteps: Int) {
        self.preset = preset
        self.requestedSteps = requestedSteps
        runs = modes.map { ModeRun(mode: $0, totals: RunTotals(mode: $0)) }
    }

    var stepsRun: Int { runs.first?.steps.count ?? 0 }

    mutating func record(_ analysis: StepAnalysis, keepDetail: Bool) {
        for index in runs.indices {
            guard let figures = analysis.figures(runs[index].mode) else { continue }
            runs[index].steps.append(figures)
            runs[index].totals.add(figures)
            if keepDetail { runs[index].details.append(analysis) }
        }
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

    static func workload(_ spec: WorkloadSpec) -> JSONValue {
        switch spec {
        case .trace(let trace):
            return .object([("kind", .string("trace")), ("path", .string(trace.path)), ("loop", .bool(trace.loop))])
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

/// Spec section 7 figures as JSON objects, names exactly as in the spec.
enum FiguresJSON {
    static func step(_ f: StepFigures, detail: StepAnalysis?) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("step", .int(f.step)), ("capacity", .int(f.capacity)), ("requested", .int(f.requested)),
            ("kept", .int(f.kept)), ("dropped", .int(f.dropped)), ("recovered", .int(f.recovered)),
            ("unrecovered", .int(f.unrecovered)), ("irTokens", .int(f.irTokens)), ("filled", .int(f.filled)),
            ("slots", .int(f.slots)), ("padding", .int(f.padding)), ("residualPadding", .int(f.residualPadding)),
            ("crossGPU", .int(f.crossGPU)), ("coveredTokens", .int(f.coveredTokens)), ("tokens", .int(f.tokens)),
            ("gpuLoad", .ints(f.gpuLoad)), ("imbalance", .double(f.imbalance)),
        ]
        if let detail {
            let g = detail.config.gpus
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

    static func total(_ t: RunTotals) -> JSONValue {
        .object([
            ("steps", .int(t.steps)), ("capacity", .int(t.capacity)), ("requested", .int(t.requested)),
            ("kept", .int(t.kept)), ("dropped", .int(t.dropped)), ("recovered", .int(t.recovered)),
            ("unrecovered", .int(t.unrecovered)), ("irTokens", .int(t.irTokens)), ("filled", .int(t.filled)),
            ("slots", .int(t.slots)), ("padding", .int(t.padding)), ("residualPadding", .int(t.residualPadding)),
            ("crossGPU", .int(t.crossGPU)), ("coveredTokens", .int(t.coveredTokens)), ("tokens", .int(t.tokens)),
            ("gpuLoad", .ints(t.gpuLoad)), ("imbalance", .double(t.imbalance)),
            ("dropRate", .double(t.dropRate)), ("paddingRate", .double(t.paddingRate)),
        ])
    }

    private static func matrix(_ values: [Int32], rows: Int) -> JSONValue {
        guard rows > 0 else { return .array([]) }
        let columns = values.count / rows
        return .array((0..<rows).map { row in .ints(values[(row * columns)..<((row + 1) * columns)].map(Int.init)) })
    }
}
