import RectifyEngine

/// The quality-related JSON of `run` and `sweep`: router-side gate-mass figures, the cost
/// settings, and measured quality from a preset's quality file.
enum QualityJSON {
    /// Names of the gate-mass figures, in output order (JSON keys and CSV columns).
    static let gateMassKeys = ["intendedGateMass", "substituteGateMass", "meanIRRank", "meanFRRank"]

    /// The four gate-mass figures; all null when `mass` is `nil` (the scheme has none).
    static func gateMass(_ mass: GateMass?) -> [(key: String, value: JSONValue)] {
        zip(gateMassKeys, gateMassValues(mass)).map { ($0, .double($1)) }
    }

    static func gateMassValues(_ mass: GateMass?) -> [Double?] {
        [mass?.intendedShare, mass?.substituteShare, mass?.meanIntraGPURank, mass?.meanFillInRank]
    }

    /// The cost settings beside `costParameters`: which profile, what the dispatch sends, IR overlap.
    static func costProfile(_ settings: CostSettings) -> JSONValue {
        .object([("name", .string(settings.profile.name)), ("dispatch", .string(settings.dispatch.rawValue)),
                 ("irOverlap", .bool(settings.irOverlap))])
    }

    /// The quality file behind `measuredQuality`, or null when the preset names none.
    static func qualityFile(_ quality: MeasuredQuality?) -> JSONValue {
        guard let quality else { return .null }
        return .object([("source", .string(quality.source)), ("about", .string(quality.about)),
                        ("metric", .string(quality.metric)), ("lowerIsBetter", .bool(quality.lowerIsBetter)),
                        ("dropless", .double(quality.dropless)), ("points", .int(quality.points.count))])
    }

    /// A run's measured quality under `mode`, or null: no measurement for these settings.
    static func measured(_ quality: MeasuredQuality?, config: RoutingConfig, mode: RectifyMode) -> JSONValue {
        measured(quality, value: quality?.value(config: config, mode: mode))
    }

    /// The same for a value already looked up in `quality` (a sweep point carries its own).
    static func measured(_ quality: MeasuredQuality?, value: Double?) -> JSONValue {
        guard let quality, let value else { return .null }
        return .object([("metric", .string(quality.metric)), ("value", .double(value)),
                        ("dropless", .double(quality.dropless)), ("lowerIsBetter", .bool(quality.lowerIsBetter)),
                        ("source", .string(quality.source))])
    }
}
