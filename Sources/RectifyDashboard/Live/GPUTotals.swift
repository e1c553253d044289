/// One GPU's share of a step as a receiver of tokens: the sums over the experts it holds.
///
/// Computed once per step on the engine thread so that drawing a frame only reads numbers.
public struct GPUTotals: Sendable, Equatable {
    /// Demand beyond capacity: requests its experts dropped (before rectification).
    public var overflow = 0
    /// Empty all-to-all slots left at its experts after the mode's filling (residual padding).
    public var padding = 0
    /// IR work its experts did (local tokens recovered onto them).
    public var irWork = 0
    /// Slots FR filled at its experts.
    public var filled = 0
    /// Tokens its experts computed: kept + filled + IR work.
    public var load = 0

    public init(overflow: Int = 0, padding: Int = 0, irWork: Int = 0, filled: Int = 0, load: Int = 0) {
        self.overflow = overflow
        self.padding = padding
        self.irWork = irWork
        self.filled = filled
        self.load = load
    }
}
