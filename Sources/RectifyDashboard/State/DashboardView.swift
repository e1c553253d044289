/// Which main screen is showing; the help overlay can sit on top of any of them.
public enum DashboardView: String, Hashable, Sendable, CaseIterable {
    /// Header, one panel (or compact row) per GPU, totals, sparklines.
    case main
    /// All four modes side by side on the same batches.
    case compare
    /// One GPU's expert bars filling the panel area.
    case zoom
}
