import RectifyEngine

/// The engine's side of the handshake with the UI, kept behind `LiveEngine`'s short lock:
/// the controls the UI set and the latest snapshot the engine published.
struct EngineControls: Sendable {
    var snapshot: EngineSnapshot
    var pendingPreset: Preset?
    var pendingConfig: RoutingConfig?
    var resetRequested = false
    var paused: Bool
    var stepRequests = 0
    var throttle: Int?
    var stopRequested = false
    var started = false
    var joined = false
    /// Mirrors the core: false at the end of a trace or after an error, until something changes.
    var coreCanStep = true
    /// When the engine last began a step, for the throttle.
    var lastStepStart: UInt64?
    var meter = RateMeter()

    /// One batch of work for the engine thread: changes to apply, whether to route a batch.
    struct Job: Sendable {
        var preset: Preset?
        var config: RoutingConfig?
        var reset = false
        var step = false
    }

    enum Work: Sendable {
        case stop
        case perform(Job)
        /// Nothing to do: sleep until woken, or at most this many nanoseconds.
        case wait(UInt64?)
    }

    /// Decides the engine's next move and takes the controls it consumes.
    /// With `honourThrottle` false (tests driving the engine by hand) the throttle never delays.
    mutating func nextWork(now: UInt64, honourThrottle: Bool) -> Work {
        if stopRequested { return .stop }
        var job = Job()
        if resetRequested {
            job.reset = true
            resetRequested = false
        }
        let hasChanges = pendingPreset != nil || pendingConfig != nil
        let wantsStep = paused ? stepRequests > 0 : true
        if !coreCanStep && !job.reset {
            // Nothing can be routed until a change arrives; a step request cannot be honoured.
            stepRequests = 0
            guard hasChanges else { return .wait(nil) }
            takeChanges(into: &job)
            job.step = !paused
            return .perform(job)
        }
        guard wantsStep else { return job.reset ? .perform(job) : .wait(nil) }
        if honourThrottle, !paused, let limit = throttle, limit > 0, let last = lastStepStart {
            let interval = 1_000_000_000 / UInt64(limit)
            let due = last &+ interval
            if now < due { return job.reset ? .perform(job) : .wait(due - now) }
        }
        takeChanges(into: &job)
        job.step = true
        if paused { stepRequests -= 1 }
        lastStepStart = now
        return .perform(job)
    }

    private mutating func takeChanges(into job: inout Job) {
        job.preset = pendingPreset
        job.config = pendingConfig
        pendingPreset = nil
        pendingConfig = nil
    }

    /// The snapshot as the UI should see it now: controls as requested, the rate as measured.
    func current(now: UInt64) -> EngineSnapshot {
        var copy = snapshot
        copy.paused = paused
        copy.throttle = throttle
        copy.stepsPerSecond = paused ? nil : meter.rate(now: now)
        copy.pendingChanges = pendingPreset != nil || pendingConfig != nil
        return copy
    }
}
