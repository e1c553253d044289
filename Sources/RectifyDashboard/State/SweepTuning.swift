import RectifyEngine

/// The sweep overlay's tuning keys: the cursor along the factors, Enter applying a factor (or the
/// recommendation) as `+`/`-` would, and `R`. Pure: state in, state and engine commands out.
enum SweepTuning {
    /// The factors the cursor moves along: the sweep's, or the ones the engine will sweep.
    static func factors(_ state: DashboardState) -> [CapacityFactor] {
        state.sweep?.factors ?? SweepChart.defaultFactors
    }

    /// The cursor's index among `factors` (default: the state's): where it was moved to, else the
    /// factor nearest the current one. The overlay highlights the one Enter applies.
    static func cursor(_ state: DashboardState, in factors: [CapacityFactor]? = nil) -> Int {
        let all = factors ?? Self.factors(state)
        if let index = state.sweepCursor, all.indices.contains(index) { return index }
        return SweepChart.nearestIndex(to: state.config.capacityFactor, in: all)
    }

    /// Moves the cursor by `delta` factors, stopping at the ends (the notice says so).
    static func moveCursor(_ state: inout DashboardState, by delta: Int) {
        let all = factors(state)
        guard !all.isEmpty else { return }
        let start = cursor(state)
        let target = min(max(0, start + delta), all.count - 1)
        if target == start { state.notice = delta < 0 ? "first capacity factor of the sweep" : "last capacity factor of the sweep" }
        state.sweepCursor = target
        state.sweepRecommending = false
    }

    /// Enter: the recommendation shown, else the factor under the cursor, becomes the setting
    /// (a `setConfig`, so a new segment starts) and the overlay closes.
    static func apply(_ state: inout DashboardState) -> [EngineCommand] {
        let factor: CapacityFactor
        var applied: String
        if state.sweepRecommending {
            guard let recommendation = state.sweep?.recommendation(state.tuningTargets) else {
                state.notice = waiting(state)
                return []
            }
            factor = recommendation.choice.capacityFactor
            state.mode = recommendation.mode
            applied = "applied the recommendation: cf \(factor), \(recommendation.mode.label)"
        } else {
            let all = factors(state)
            guard !all.isEmpty else { return [] }
            factor = all[cursor(state)]
            applied = "applied cf \(factor)"
        }
        var commands: [EngineCommand] = []
        if factor != state.config.capacityFactor {
            state.config.capacityFactor = factor
            commands.append(.setConfig(state.config))
        } else {
            applied += " (unchanged)"
        }
        state.notice = applied
        commands.append(state.setSweep(open: false))
        return commands
    }

    /// `R` in the sweep: shows the recommendation (once the sweep is complete) for Enter to apply.
    static func recommend(_ state: inout DashboardState) {
        state.sweepRecommending = true
        if let recommendation = state.sweep?.recommendation(state.tuningTargets) {
            state.sweepCursor = state.sweep?.factors.firstIndex(of: recommendation.choice.capacityFactor)
            state.notice = "recommended: \(recommendation.summary) Enter applies"
        } else {
            state.notice = waiting(state)
        }
    }

    static func waiting(_ state: DashboardState) -> String {
        if let failure = state.sweep?.failure { return "no recommendation: the sweep failed (\(failure))" }
        let done = state.sweep?.done ?? 0
        return "recommendation: waiting for the sweep (\(done)/\(factors(state).count) factors)"
    }
}

extension DashboardState {
    /// Opens or closes the sweep overlay, forgetting its cursor, recommendation and figures;
    /// returns what the engine must do (start the sweep, or cancel it).
    mutating func setSweep(open: Bool) -> EngineCommand {
        sweepVisible = open
        sweepCursor = nil
        sweepRecommending = false
        sweep = nil
        return open ? .startSweep : .cancelSweep
    }
}
