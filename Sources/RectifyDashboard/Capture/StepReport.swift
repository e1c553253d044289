import RectifyEngine

/// The JSON written beside a snapshot's screen: the step, the settings behind its figures and
/// each mode's figures for that step and since the last reset. Figure names follow the routing
/// spec (section 7), as in `rectify run --format json`; `null` stands for what is not known
/// (no step routed yet, a rate with nothing to divide by).
public enum StepReport {
    public static func json(state: DashboardState, snapshot: EngineSnapshot) -> JSONValue {
        let config = snapshot.config
        let settings: JSONValue = .object([
            ("preset", .string(snapshot.presetName)), ("mode", .string(state.mode.rawValue)),
            ("capacityFactor", .number(config.capacityFactor.description)), ("topK", .int(config.topK)),
            ("capacity", .int(config.capacity)), ("dropPolicy", .string(config.dropPolicy.rawValue)),
            ("gpus", .int(config.gpus)), ("experts", .int(config.experts)),
            ("tokensPerGPU", .int(config.tokensPerGPU)),
        ])
        let modes = RectifyMode.allCases.map { mode -> (key: String, value: JSONValue) in
            let figures = snapshot[mode]
            return (mode.rawValue, .object([
                ("step", figures.latest.map(step) ?? .null),
                ("totals", totals(figures.totals)),
            ]))
        }
        return .object([
            ("step", .int(snapshot.step)), ("batchStep", snapshot.batchStep.map(JSONValue.int) ?? .null),
            ("source", snapshot.sourceLabel.map(JSONValue.string) ?? .null),
            ("paused", .bool(snapshot.paused)), ("stepsPerSecond", .double(snapshot.stepsPerSecond)),
            ("settings", settings),
            ("settingsPending", .bool(state.config != config || state.preset.name != snapshot.presetName)),
            ("expertSort", .string(state.expertSort.rawValue)), ("selectedGPU", .int(state.selectedGPU)),
            ("modes", .object(modes)),
        ])
    }

    /// The counts both a step and a run have, by their spec names.
    private static func counts(_ values: [Int?]) -> [(key: String, value: JSONValue)] {
        zip(SpecCounts.names, values).map { ($0, $1.map(JSONValue.int) ?? .null) }
    }

    static func step(_ f: StepFigures) -> JSONValue {
        .object([("index", .int(f.step))]
                + counts(f.specCounts)
                + [("gpuLoad", .ints(f.gpuLoad)), ("imbalance", .double(f.imbalance)),
                   ("dropRate", .double(f.dropRate)), ("paddingRate", .double(f.paddingRate)),
                   ("expertLoad", .ints(f.expertLoad)), ("expertDropped", .ints(f.expertDropped))])
    }

    static func totals(_ t: SchemeTotals) -> JSONValue {
        .object([("steps", .int(t.steps))]
                + counts(t.specCounts)
                + [("gpuLoad", .ints(t.gpuLoad)), ("imbalance", .double(t.imbalance)),
                   ("dropRate", .double(t.dropRate)), ("paddingRate", .double(t.paddingRate))])
    }
}
