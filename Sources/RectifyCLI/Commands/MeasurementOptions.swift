import RectifyEngine

/// The options that set how quality and cost are estimated (not how tokens are routed), shared by
/// `run`, `sweep` and `dash`, and their effect on a preset.
enum MeasurementOptions {
    static let expertSimilarity = OptionKey<Double>.number("expert-similarity", "S", in: 0...1, "Layer-distortion proxy (outputError): how alike the seeded synthetic experts are, 0-1. Default 0.6 or the preset's.")
    static let fidelityReference = OptionKey<FidelityReference>.choice("fidelity-reference", "R", "Layer-distortion proxy: compare against dropless topk or topk+1 (default; FR's extra expert is then no error by construction).")
    static let costProfile = OptionKey<CostProfile>("cost-profile", "P", "Cost model parameters: h100 (default), a100 or a FILE.json naming every parameter.") { text, command throws(CLIError) in
        do throws(ConfigError) {
            return try CostProfile.named(text)
        } catch {
            guard error.source == nil else { throw .invalid(error.description) }
            throw .usage(UsageError("invalid --cost-profile '\(text)': expected h100, a100 or a FILE.json", command: command))
        }
    }
    static let dispatch = OptionKey<DispatchMode>.choice("dispatch", "D", "Cost model: padded (default: the G x E x C buffer is sent and computed) or unpadded (only real entries; FR pays for its slots).")
    static let irOverlap = FlagKey("ir-overlap", "Cost model: IR experts compute their local tokens during the dispatch all-to-all.")

    static let declarations: [any OptionDeclaration] = [expertSimilarity, fidelityReference, costProfile, dispatch, irOverlap]

    /// Applies the options to `preset`.
    static func apply(_ args: ParsedArguments, to preset: inout Preset) throws(CLIError) {
        if let similarity = try args[expertSimilarity] { preset.fidelity.expertSimilarity = similarity }
        if let reference = try args[fidelityReference] { preset.fidelity.reference = reference }
        if let profile = try args[costProfile] { preset.cost.profile = profile }
        if let dispatch = try args[dispatch] { preset.cost.dispatch = dispatch }
        if try args[irOverlap] { preset.cost.irOverlap = true }
    }
}
