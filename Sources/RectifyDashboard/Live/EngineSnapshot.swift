import RectifyEngine

/// An immutable picture of the engine, published after every step; the UI draws only from it.
public struct EngineSnapshot: Sendable {
    /// Batches routed since the engine started (across resets and preset switches).
    public var step: Int
    /// The stream position of the latest batch (a trace's step index), if any.
    public var batchStep: Int?
    /// The configuration behind the latest figures (before the first step: the one that will be used).
    public var config: RoutingConfig
    /// The preset in effect and where its batches come from.
    public var presetName: String
    public var sourceLabel: String?
    /// Per mode: the latest step, the current segment's totals and the histories.
    public var modes: PerMode<ModeSnapshot>
    /// The preset and settings the totals in `modes` were routed with, since which step.
    public var segment: Segment
    /// The segment before the current one, with its totals, for comparison.
    public var previousSegment: FinishedSegment? = nil
    /// The latest figures route the latest batch again (settings changed while paused); `step` stayed.
    public var rerouted = false
    /// Measured engine rate; `nil` while paused or before two steps.
    public var stepsPerSecond: Double?
    public var paused: Bool
    /// The throttle in effect, steps per second; `nil` is unlimited.
    public var throttle: Int?
    /// A non-looping trace ran out; `r` replays it.
    public var endOfTrace: Bool
    /// The latest problem or notice (rejected preset or setting, workload error, end of trace).
    public var message: String?
    /// Counts rejected changes; when it moves, the UI takes the settings in effect back.
    public var failureSerial: Int
    /// A setting or preset change is waiting for the next batch.
    public var pendingChanges: Bool
    /// Baselines, cost and output error of the latest step; only while the compare view asks for them.
    public var details: CompareDetails? = nil
    /// The capacity-factor sweep asked for with `w`, as far as it has got.
    public var sweep: SweepChart? = nil
    /// Following a capture as it is written: where it stands.
    public var follow: FollowStatus? = nil
    /// Seconds since the latest routed followed step was written, as of the snapshot's reading.
    public var followLag: Double? = nil

    public init(step: Int = 0, batchStep: Int? = nil, config: RoutingConfig, presetName: String,
                sourceLabel: String? = nil, modes: PerMode<ModeSnapshot>, stepsPerSecond: Double? = nil,
                paused: Bool = false, throttle: Int? = nil, endOfTrace: Bool = false, message: String? = nil,
                failureSerial: Int = 0, pendingChanges: Bool = false) {
        self.step = step
        self.batchStep = batchStep
        self.config = config
        self.presetName = presetName
        self.sourceLabel = sourceLabel
        self.modes = modes
        segment = Segment(serial: 1, presetName: presetName, config: config)
        self.stepsPerSecond = stepsPerSecond
        self.paused = paused
        self.throttle = throttle
        self.endOfTrace = endOfTrace
        self.message = message
        self.failureSerial = failureSerial
        self.pendingChanges = pendingChanges
    }

    /// An empty snapshot for a preset that has not routed anything yet.
    public static func empty(preset: Preset, historyLength: Int = 1024) -> EngineSnapshot {
        EngineSnapshot(config: preset.routing, presetName: preset.name,
                       modes: PerMode { ModeSnapshot(mode: $0, historyLength: historyLength) })
    }

    public subscript(mode: RectifyMode) -> ModeSnapshot { modes[mode] }
}
