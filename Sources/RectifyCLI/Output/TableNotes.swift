import RectifyEngine

/// The lines above the `run` and `sweep` tables that say what a column is, worded once for both.
enum TableNotes {
    /// `preset NAME: workload`, sanitised.
    static func preset(_ preset: Preset) -> String {
        TerminalText.sanitized("preset \(preset.name): \(preset.workloadLabel)") + "\n"
    }

    /// What `distort %` is, or why it was not measured (`missing` says why, e.g. no hidden states).
    static func distortion(_ options: FidelityOptions, measured: Bool, missing: String) -> String {
        measured
            ? "distort %: layer-distortion proxy, not model quality: relative L2 against dropless \(options.reference.rawValue) on seeded synthetic experts, expert similarity \(options.expertSimilarity), \(options.sampleTokens) sampled tokens per step\n"
            : "distort %: layer-distortion proxy, not measured (\(missing))\n"
    }

    /// `cost model, profile P, D dispatch[, IR overlaps the dispatch]`.
    static func costModel(_ settings: CostSettings) -> String {
        "cost model, profile \(settings.profile.name), \(settings.dispatch.rawValue) dispatch\(settings.irOverlap ? ", IR overlaps the dispatch" : "")"
    }
}
