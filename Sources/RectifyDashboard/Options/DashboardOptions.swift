import Foundation
import RectifyEngine

/// How the CLI sets the dashboard up (flags and environment already resolved).
public struct DashboardOptions: Sendable {
    public var display: DisplayOptions
    /// Frames drawn per second (`--fps`); the engine's rate is independent of it.
    public var framesPerSecond: Int
    /// Engine throttle in steps per second (`--steps-per-second`); `nil` runs as fast as it can.
    public var stepsPerSecond: Int?
    /// The presets `n`/`p` cycle through. The starting preset is put in if it is missing
    /// (replacing an entry of the same name, so CLI overrides of it stay in effect).
    public var presets: [Preset]
    /// Start paused after routing the first batch (space or `s` then runs or steps it).
    public var startPaused: Bool
    /// Worker threads the router and the synthetic workload may use.
    public var engineThreads: Int
    /// Steps kept in each sparkline history.
    public var historyLength: Int
    /// The starting preset's source, already opened (see `SourceHandOff`).
    public var openedSource: SourceHandOff?
    /// Presets switched to with `n`/`p` must fit in it (`--max-memory`).
    public var memoryBudget: MemoryBudget = .standard
    /// Where `x` saves snapshots (`--snapshot-dir`, default the current folder).
    public var snapshots = SnapshotSaver()
    /// Start in presenter mode (`--present`): headline strip, bars over the whole screen, and
    /// `Presenter.calmThrottle` steps per second unless `stepsPerSecond` says otherwise.
    public var presenting = false

    /// The throttle the engine starts with.
    public var startThrottle: Int? { stepsPerSecond ?? (presenting ? Presenter.calmThrottle : nil) }

    /// The targets the sweep's `R` recommends for (`--max-lost`, `--max-padding`).
    public var tuningTargets = TuningTargets.standard

    public init(display: DisplayOptions = .full, framesPerSecond: Int = 10, stepsPerSecond: Int? = nil,
                presets: [Preset] = [], startPaused: Bool = false,
                engineThreads: Int = ProcessInfo.processInfo.activeProcessorCount, historyLength: Int = 1024) {
        self.display = display
        self.framesPerSecond = framesPerSecond
        self.stepsPerSecond = stepsPerSecond
        self.presets = presets
        self.startPaused = startPaused
        self.engineThreads = engineThreads
        self.historyLength = historyLength
    }
}
