import RectifyEngine

/// Everything the screen decides by itself: what to show and the settings the user asked for.
///
/// A value: `update` maps a state and a key to the next state plus engine commands, and the
/// renderer draws a state with the latest engine snapshot. The settings here are the requested
/// ones; the header shows them at once, the engine applies them at its next batch.
public struct DashboardState: Equatable, Sendable {
    public var mode: RectifyMode
    public var view: DashboardView = .main
    public var helpVisible = false
    /// First help line shown (the overlay scrolls when the terminal is short).
    public var helpScroll = 0
    /// The capacity-factor sweep overlay (`w`) is open over the current view.
    public var sweepVisible = false
    /// The sweep overlay's cursor: an index into the sweep's factors; `nil` until moved (it then
    /// starts at the factor nearest the current one).
    public var sweepCursor: Int?
    /// `R` asked for the recommendation: the overlay shows it and Enter applies it.
    public var sweepRecommending = false
    /// The targets `R` recommends for (`--max-lost`, `--max-padding`).
    public var tuningTargets = TuningTargets.standard
    /// The engine's sweep as last reported, while the overlay is open (the cursor and `R` read it).
    public var sweep: SweepChart?
    public var selectedGPU = 0
    /// The order the GPU panels list their experts in (`o`).
    public var expertSort: ExpertSort = .index
    /// The GPU number typed so far after `g`; `nil` while no jump prompt is open.
    public var gpuJump: String?
    /// Expert rows scrolled past in the zoom view (mouse wheel) when the GPU's experts do not all fit.
    public var zoomScroll = 0
    /// `x` asked for a snapshot of the screen; the program saves it and clears this.
    public var snapshotRequested = false
    public var display: DisplayOptions
    /// Presets `n`/`p` cycle through, and the one requested.
    public var presets: [Preset]
    public var presetIndex: Int
    /// The routing configuration requested (cluster shape from the preset, knobs from the keys).
    public var config: RoutingConfig
    public var paused: Bool
    /// Requested engine throttle, steps per second; `nil` is unlimited.
    public var throttle: Int?
    /// The engine's measured rate, taken from each snapshot (used when slowing down from unlimited).
    public var measuredRate: Double?
    /// A short message about the last key (a limit reached, statistics reset); cleared by the next key.
    public var notice: String?
    /// The engine's rejection count already taken into account.
    public var seenFailureSerial = 0
    public var quitRequested = false
    /// Presenter mode (`P`, `--present`): calm pace, the headline strip, the whole screen for bars.
    public var presenting = false
    /// Presenter mode set the calm throttle itself (the user had none); leaving it restores unlimited.
    public var presenterThrottle = false
    /// The headline strip (the mode shown against vanilla in large figures) is showing (`h`).
    public var headlineVisible = false
    /// The before/after view (`b`): vanilla's bars beside the mode shown's, same GPUs and batch.
    public var beforeAfter = false
    /// The guided tour's step (an index into `Tour.modes`); `nil` while no tour runs.
    public var tour: Int?

    public init(preset: Preset, presets: [Preset] = [], display: DisplayOptions = .full,
                paused: Bool = false, throttle: Int? = nil) {
        var list = presets
        if let index = list.firstIndex(where: { $0.name == preset.name }) {
            list[index] = preset
        } else {
            list.insert(preset, at: 0)
        }
        self.presets = list
        presetIndex = list.firstIndex { $0.name == preset.name } ?? 0
        mode = preset.mode
        config = preset.routing
        self.display = display
        self.paused = paused
        self.throttle = throttle
    }

    /// The preset requested.
    public var preset: Preset { presets[min(max(0, presetIndex), presets.count - 1)] }

    /// Keeps the GPU selection within the cluster.
    mutating func clampSelection() {
        selectedGPU = min(max(0, selectedGPU), max(0, config.gpus - 1))
    }

    /// Takes in what the engine reports: its rate, and after a rejected change the settings in effect.
    public mutating func sync(with snapshot: EngineSnapshot) {
        measuredRate = snapshot.stepsPerSecond
        sweep = sweepVisible ? snapshot.sweep : nil
        guard snapshot.failureSerial != seenFailureSerial else { return }
        seenFailureSerial = snapshot.failureSerial
        config = snapshot.config
        if let index = presets.firstIndex(where: { $0.name == snapshot.presetName }) { presetIndex = index }
        clampSelection()
    }
}
