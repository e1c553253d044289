import Dispatch
import Foundation
import RectifyEngine
import Synchronization

/// Runs routing in the background and publishes immutable snapshots for the screen.
///
/// Two locks: `core` is held by the engine thread for a whole step (the heavy work); `controls`
/// is only ever held for a few assignments, so the UI reading a snapshot or sending a command
/// never waits for a step. The non-Sendable router and batch source live inside `core`, which a
/// `Mutex` may hold safely: every access goes through its lock.
///
/// Tests skip `start()` and drive the engine with `pump()` on their own thread: the same code
/// path as the engine thread, minus the throttle's waiting, so no sleeps are needed.
public final class LiveEngine: Sendable {
    private let core: Mutex<EngineCore>
    private let controls: Mutex<EngineControls>
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let clock: @Sendable () -> UInt64
    private let wallClock: @Sendable () -> Double

    /// Creates a stopped engine for `preset`; its batch source is opened on the first step.
    ///
    /// - Parameters:
    ///   - threads: worker threads for the router and the synthetic workload.
    ///   - openSource: opens a preset's batches (default: `Preset.makeSource`); runs on the engine
    ///     thread, which keeps the non-Sendable source to itself from then on.
    ///   - openedSource: a source already opened for `preset`, used by the default `openSource` for
    ///     its first open instead of opening the preset again.
    ///   - memoryBudget: a preset switched to must fit in it; one that does not is rejected.
    ///   - clock: nanoseconds, for the throttle and the measured rate (tests pass a manual one).
    ///   - wallClock: Unix seconds, for a followed capture's lag.
    public init(preset: Preset, paused: Bool = false, throttle: Int? = nil, threads: Int = 1,
                historyLength: Int = 1024, openSource: SourceFactory? = nil, openedSource: SourceHandOff? = nil,
                memoryBudget: MemoryBudget = .standard,
                clock: @escaping @Sendable () -> UInt64 = { DispatchTime.now().uptimeNanoseconds },
                wallClock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        let workers = max(1, threads)
        let factory: SourceFactory = openSource ?? { preset in
            try openedSource?.take(for: preset) ?? preset.makeSource(threads: workers)
        }
        core = Mutex(EngineCore(preset: preset, threads: workers, historyLength: historyLength, memoryBudget: memoryBudget,
                                openSource: factory))
        var snapshot = EngineSnapshot.empty(preset: preset, historyLength: historyLength)
        snapshot.paused = paused
        snapshot.throttle = throttle
        controls = Mutex(EngineControls(snapshot: snapshot, paused: paused, throttle: throttle))
        self.clock = clock
        self.wallClock = wallClock
    }

    // MARK: Reading

    /// The latest published snapshot, with the controls as last requested. A short lock.
    public func snapshot() -> EngineSnapshot {
        let now = clock()
        var current = controls.withLock { $0.current(now: now) }
        current.followLag = current.follow?.lag(now: wallClock())
        return current
    }

    // MARK: Controls (any thread)

    public func send(_ command: EngineCommand) {
        controls.withLock { c in
            switch command {
            case .setConfig(let config):
                c.pendingConfig = config
            case .switchPreset(let preset):
                // A setting for the old preset's shape makes no sense for the new one.
                c.pendingPreset = preset
                c.pendingConfig = nil
            case .setPaused(let paused):
                c.paused = paused
                if !paused { c.stepRequests = 0 }
            case .singleStep:
                if c.paused { c.stepRequests += 1 }
            case .setThrottle(let limit):
                c.throttle = limit.map { max(1, $0) }
            case .resetStatistics:
                c.resetRequested = true
                c.meter.reset()
            case .setCompareDetails(let enabled):
                c.detailsWanted = enabled
            case .startSweep:
                c.sweepRequest = true
            case .cancelSweep:
                c.sweepRequest = false
            }
        }
        wake.signal()
    }

    // MARK: Running

    /// Starts the engine thread (once).
    public func start() {
        let first = controls.withLock { c -> Bool in
            guard !c.started, !c.stopRequested else { return false }
            c.started = true
            return true
        }
        guard first else { return }
        let thread = Thread { [self] in run() }
        thread.name = "rectify-engine"
        thread.start()
    }

    /// Stops the engine thread and waits for it to finish its current step. Idempotent.
    /// Never call it from the engine thread.
    public func stop() {
        let mustJoin = controls.withLock { c -> Bool in
            c.stopRequested = true
            let join = c.started && !c.joined
            c.joined = true
            return join
        }
        wake.signal()
        if mustJoin { finished.wait() }
    }

    /// Does what the engine thread would do next, on the caller's thread, without waiting for
    /// the throttle; returns whether a batch was routed. For tests and synchronous drivers only:
    /// do not mix with `start()`.
    @discardableResult
    public func pump() -> Bool {
        let work = controls.withLock { $0.nextWork(now: clock(), honourThrottle: false) }
        guard case .perform(let job) = work else { return false }
        return perform(job)
    }

    /// Pumps `count` steps (or until nothing more can be routed); returns the steps routed.
    @discardableResult
    public func pump(steps count: Int) -> Int {
        var routed = 0
        var idle = 0
        while routed < count, idle < 4 {
            if pump() { routed += 1; idle = 0 } else { idle += 1 }
        }
        return routed
    }

    private func run() {
        while true {
            let now = clock()
            switch controls.withLock({ $0.nextWork(now: now, honourThrottle: true) }) {
            case .stop:
                finished.signal()
                return
            case .wait(let nanoseconds):
                if let nanoseconds {
                    _ = wake.wait(timeout: .now() + .nanoseconds(Int(min(nanoseconds, 1_000_000_000))))
                } else {
                    wake.wait()
                }
            case .perform(let job):
                perform(job)
            }
        }
    }

    /// Applies a job under the core lock, then publishes under the controls lock.
    @discardableResult
    private func perform(_ job: EngineControls.Job) -> Bool {
        let (routed, published, canStep, sweepPending, waiting) = core.withLock { core -> (Bool, EngineSnapshot, Bool, Bool, Bool) in
            if job.reset { core.resetStatistics() }
            if let preset = job.preset { core.switchPreset(preset) }
            if let config = job.config { core.setConfig(config) }
            core.setDetails(job.details)
            switch job.sweepRequest {
            case true?: core.startSweep()
            case false?: core.cancelSweep()
            case nil: break
            }
            let routed = job.step ? core.routeNext() : false
            if job.reroute { core.rerouteLatest() }
            if job.sweepStep { core.advanceSweep() }
            var snapshot = EngineSnapshot(
                step: core.step, batchStep: core.batchStep, config: core.config, presetName: core.preset.name,
                sourceLabel: core.sourceLabel, modes: core.modes, endOfTrace: core.endOfTrace,
                message: core.message, failureSerial: core.failureSerial)
            snapshot.segment = core.segment
            snapshot.previousSegment = core.previousSegment
            snapshot.rerouted = core.rerouted
            snapshot.details = core.details
            snapshot.sweep = core.sweep?.chart
            snapshot.follow = core.follow
            return (routed, snapshot, core.canStep, core.sweepPending, core.waitingForSource)
        }
        let now = clock()
        controls.withLock { c in
            c.snapshot = published
            c.coreCanStep = canStep
            c.coreDetails = job.details
            c.coreSweepPending = sweepPending
            c.coreWaiting = waiting
            if routed { c.meter.record(now) }
        }
        return routed
    }
}
