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
    /// Where `x` saves snapshots.
    public let snapshots: SnapshotSaver
    /// Records every changed frame (`--record`), if asked.
    public var recorder: CastRecorder?
    /// The frame last drawn: what a snapshot saves and where mouse clicks land.
    public private(set) var lastFrame: CellGrid?
    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant
    private var reportedRecordingFailure = false

    /// Starts the engine thread for `preset` at once.
    public convenience init(preset: Preset, options: DashboardOptions = DashboardOptions()) {
        let engine = LiveEngine(preset: preset, paused: options.startPaused, throttle: options.startThrottle,
                                threads: options.engineThreads, historyLength: options.historyLength,
                                openedSource: options.openedSource, memoryBudget: options.memoryBudget)
        self.init(preset: preset, options: options, engine: engine)
        engine.start()
    }

    /// Uses an engine the caller drives (tests pump it by hand instead of starting its thread).
    public init(preset: Preset, options: DashboardOptions, engine: LiveEngine) {
        state = DashboardState(preset: preset, presets: options.presets, display: options.display,
                               paused: options.startPaused, throttle: options.stepsPerSecond)
        // As the `P` key would; the engine already starts at `startThrottle`, the throttle this leaves.
        if options.presenting { _ = Presenter.toggle(&state) }
        state.tuningTargets = options.tuningTargets
        self.engine = engine
        // Starting paused shows the first batch, then waits: an empty screen would tell nothing.
        if options.startPaused { engine.send(.singleStep) }
        snapshot = engine.snapshot()
        framesPerSecond = max(1, options.framesPerSecond)
        snapshots = options.snapshots
        started = clock.now
    }

    deinit { engine.stop() }

    public func tick() {
        snapshot = engine.snapshot()
        state.sync(with: snapshot)
        if let failure = recorder?.failure, !reportedRecordingFailure {
            reportedRecordingFailure = true
            state.notice = "recording stopped: \(failure)"
        }
    }

    public func render(into grid: inout CellGrid) {
        DashboardRenderer.render(state: state, snapshot: snapshot, into: &grid)
        lastFrame = grid
        let elapsed = clock.now - started
        recorder?.record(grid, at: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }

    public func handle(_ key: KeyEvent) -> Bool {
        if case .mouse(let event) = key {
            state = DashboardState.mouse(state, event, width: lastFrame?.width ?? 0, height: lastFrame?.height ?? 0,
                                         config: snapshot.config)
            return true
        }
        let (next, commands) = DashboardState.update(state, key)
        state = next
        if state.snapshotRequested {
            state.snapshotRequested = false
            saveSnapshot()
        }
        for command in commands { engine.send(command) }
        if state.quitRequested {
            exitStatus = 0
            return false
        }
        return true
    }

    public func didExit() {
        engine.stop()
        recorder?.close()
    }

    /// Saves the frame on screen and the step's figures; the status line names the files or the problem.
    private func saveSnapshot() {
        guard let frame = lastFrame else {
            state.notice = "snapshot: nothing drawn yet"
            return
        }
        do {
            let name = try snapshots.save(grid: frame, state: state, snapshot: snapshot)
            let folder = snapshots.directory == "." ? "" : snapshots.path("")
            state.notice = "saved \(folder)\(name).{txt,svg,json}"
        } catch {
            state.notice = "snapshot not saved: \(error)"
        }
    }
}
