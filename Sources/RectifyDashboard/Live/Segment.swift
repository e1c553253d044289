import RectifyEngine

/// A run of steps routed with one preset and one routing configuration.
///
/// Totals are kept per segment so they never mix steps from before and after a change of
/// capacity factor, top-k, policy, another setting or the preset: a change starts a new one.
public struct Segment: Sendable, Equatable {
    /// Counts segments since the engine started (1 for the first).
    public let serial: Int
    public let presetName: String
    /// The settings every step of the segment was routed with.
    public let config: RoutingConfig
    /// The engine step of the segment's first batch; `nil` before it has one.
    public internal(set) var firstStep: Int?
    /// The segment began by routing the latest batch again (a change while paused).
    public internal(set) var rerouted = false

    public init(serial: Int, presetName: String, config: RoutingConfig, firstStep: Int? = nil, rerouted: Bool = false) {
        self.serial = serial
        self.presetName = presetName
        self.config = config
        self.firstStep = firstStep
        self.rerouted = rerouted
    }
}

/// The segment before the current one with its totals per mode, kept for comparison.
public struct FinishedSegment: Sendable, Equatable {
    public let segment: Segment
    public let totals: PerMode<SchemeTotals>

    public init(segment: Segment, totals: PerMode<SchemeTotals>) {
        self.segment = segment
        self.totals = totals
    }

    public subscript(mode: RectifyMode) -> SchemeTotals { totals[mode] }
}
