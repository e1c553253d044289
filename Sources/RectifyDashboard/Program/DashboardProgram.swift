import RectifyEngine
import TerminalCanvas

/// The dashboard as a `TerminalProgram`: bubbletea's model, update and view around a `LiveEngine`.
///
/// The runner calls everything on its one thread. `tick` takes the engine's latest snapshot (a
/// short lock), `handle` runs the pure `update` and forwards its commands, `render` draws state
/// and snapshot. The engine routes on its own thread, so a slow step never delays a frame.
public final class DashboardProgram: TerminalProgram {
    public private(set) var state: DashboardState
    public private(set) var snapshot: EngineSnapshot
    public let engine: LiveEngine
    public let framesPerSecond: Int
    /// 0 once the user quit with `q`; `nil` while running or when the runner ended it otherwise
    /// (a signal: the CLI picks the status then).
    public private(set) var exitStatus: Int32?

    /// Starts the engine thread for `preset` at once.
    public convenience init(preset: Preset, options: DashboardOptions = DashboardOptions()) {
        let engine = LiveEngine(preset: preset, paused: options.startPaused, throttle: options.stepsPerSecond,
                                threads: options.engineThreads, historyLength: options.historyLength,
                                openedSource: options.openedSource, memoryBudget: options.memoryBudget)
        self.init(preset: preset, options: options, engine: engine)
        engine.start()
    }

    /// Uses an engine the caller drives (tests pump it by hand instead of starting its thread).
    public init(preset: Preset, options: DashboardOptions, engine: LiveEngine) {
        state = DashboardState(preset: preset, presets: options.presets, display: options.display,
                               paused: options.startPaused, throttle: options.stepsPerSecond)
        self.engine = engine
        // Starting paused shows the first batch, then waits: an empty screen would tell nothing.
        if options.startPaused { engine.send(.singleStep) }
        snapshot = engine.snapshot()
        framesPerSecond = max(1, options.framesPerSecond)
    }

    deinit { engine.stop() }

    public func tick() {
        snapshot = engine.snapshot()
        state.sync(with: snapshot)
    }

    public func render(into grid: inout CellGrid) {
        DashboardRenderer.render(state: state, snapshot: snapshot, into: &grid)
    }

    public func handle(_ key: KeyEvent) -> Bool {
        let (next, commands) = DashboardState.update(state, key)
        state = next
        for command in commands { engine.send(command) }
        if state.quitRequested {
            exitStatus = 0
            return false
        }
        return true
    }

    public func didExit() {
        engine.stop()
    }
}
