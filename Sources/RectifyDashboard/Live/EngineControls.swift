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
    /// The compare details the UI wants, and what the core last applied.
    var detailsWanted = false
    var coreDetails = false
    /// A sweep start or cancel waiting for the engine thread (`true` starts, `false` cancels).
    var sweepRequest: Bool?
    /// Mirrors the core: a sweep has factors left to route.
    var coreSweepPending = false
    /// Mirrors the core: a followed capture had nothing new at the last look.
    var coreWaiting = false
    /// How long a follower waits before looking for a new step again.
    static let followPollNanoseconds = UInt64(FollowSource.pollInterval * 1e9)

    /// One batch of work for the engine thread: changes to apply, whether to route a batch.
    struct Job: Sendable {
        var preset: Preset?
        var config: RoutingConfig?
        var reset = false
        var step = false
        /// Route the latest batch again with the new settings (a change while paused).
        var reroute = false
        var details = false
        var sweepRequest: Bool?
        /// Route the running sweep's next capacity factor.
        var sweepStep = false
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
        job.details = detailsWanted
        job.sweepRequest = sweepRequest
        sweepRequest = nil
        if job.sweepRequest == true || (job.sweepRequest == nil && coreSweepPending) { job.sweepStep = true }
        let hasChanges = pendingPreset != nil || pendingConfig != nil
        let wantsStep = paused ? stepRequests > 0 : true
        if !coreCanStep && !job.reset {
            // Nothing can be routed until a change arrives; a step request cannot be honoured.
            stepRequests = 0
            guard hasChanges else { return idle(job, nil) }
            takeChanges(into: &job)
            if paused { showChanges(&job) } else { job.step = true }
            return .perform(job)
        }
        if paused, hasChanges, stepRequests == 0 {
            takeChanges(into: &job)
            showChanges(&job)
            return .perform(job)
        }
        guard wantsStep else { return idle(job, nil) }
        if honourThrottle, coreWaiting, !hasChanges, let last = lastStepStart {
            let due = last &+ Self.followPollNanoseconds
            if now < due { return idle(job, due - now) }
        }
        if honourThrottle, !paused, let limit = throttle, limit > 0, let last = lastStepStart {
            let interval = 1_000_000_000 / UInt64(limit)
            let due = last &+ interval
            if now < due { return idle(job, due - now) }
        }
        takeChanges(into: &job)
        job.step = true
        if paused { stepRequests -= 1 }
        lastStepStart = now
        return .perform(job)
    }

    /// No batch to route now: still perform the side work (reset, details, sweep), else wait.
    private func idle(_ job: Job, _ nanoseconds: UInt64?) -> Work {
        let sideWork = job.reset || job.details != coreDetails || job.sweepRequest != nil || job.sweepStep
        return sideWork ? .perform(job) : .wait(nanoseconds)
    }

    /// While paused a change is shown at once: a new preset by its first batch, new settings by
    /// routing the latest batch again, so the figures before and after are for the same batch.
    private func showChanges(_ job: inout Job) {
        if job.preset != nil {
            job.step = true
        } else if job.config != nil {
            job.reroute = true
        }
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
