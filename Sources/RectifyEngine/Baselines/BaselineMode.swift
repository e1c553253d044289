/// Routers compared against the four rectify modes (issue 4): they answer "what if we did not
/// drop at all" and "what if experts picked their tokens", on the very same batches.
public enum BaselineMode: String, CaseIterable, Sendable, Hashable {
    /// MegaBlocks-style: every top-k assignment is computed, no capacity, no padding.
    case dropless
    /// Zhou et al. 2022: per source GPU, each expert takes its top-`C` tokens by score.
    case expertChoice = "expert-choice"

    /// The label users see and type.
    public var label: String { rawValue }
}
