import RectifyEngine

/// The options that set how quality and cost are estimated (not how tokens are routed), shared by
/// `run`, `sweep` and `dash`, and their effect on a preset.
enum MeasurementOptions {
    static let specs: [OptionSpec] = [
        OptionSpec("expert-similarity", "S", "Layer-distortion proxy (outputError): how alike the seeded synthetic experts are, 0-1. Default 0.6 or the preset's."),
        OptionSpec("fidelity-reference", "R", "Layer-distortion proxy: compare against dropless topk or topk+1 (default; FR's extra expert is then no error by construction)."),
        OptionSpec("cost-profile", "P", "Cost model parameters: h100 (default), a100 or a FILE.json naming every parameter."),
        OptionSpec("dispatch", "D", "Cost model: padded (default: the G x E x C buffer is sent and computed) or unpadded (only real entries; FR pays for its slots)."),
        OptionSpec("ir-overlap", nil, "Cost model: IR experts compute their local tokens during the dispatch all-to-all."),
    ]

    /// Applies the options to `preset`.
    static func apply(_ args: ParsedArguments, to preset: inout Preset) throws {
        if let similarity = try args.double("expert-similarity", in: 0...1) {
            preset.fidelity.expertSimilarity = similarity
        }
        if let reference = try args.choice("fidelity-reference", FidelityReference.init(rawValue:),
                                           allowed: FidelityReference.allCases.map(\.rawValue)) {
            preset.fidelity.reference = reference
        }
        if let profile = args.value("cost-profile") {
            do {
                preset.cost.profile = try CostProfile.named(profile)
            } catch {
                guard error.source == nil else { throw CLIError.invalid(error.description) }
                throw UsageError("invalid --cost-profile '\(profile)': expected h100, a100 or a FILE.json", command: args.command)
            }
        }
        if let dispatch = try args.choice("dispatch", DispatchMode.init(rawValue:), allowed: DispatchMode.allCases.map(\.rawValue)) {
            preset.cost.dispatch = dispatch
        }
        if args.flag("ir-overlap") { preset.cost.irOverlap = true }
    }
}
