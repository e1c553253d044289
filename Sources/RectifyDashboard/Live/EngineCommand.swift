import RectifyEngine

/// What the screen asks of the engine. Settings and presets apply at the next batch;
/// pause, throttle and reset apply as soon as the engine thread is free.
public enum EngineCommand: Equatable, Sendable {
    case setConfig(RoutingConfig)
    case switchPreset(Preset)
    case setPaused(Bool)
    /// Route one batch while paused.
    case singleStep
    case setThrottle(Int?)
    case resetStatistics
    /// Compute baselines, cost and output error for every step (while the compare view is open).
    case setCompareDetails(Bool)
    /// Start a capacity-factor sweep of the current preset and settings, replacing any running one.
    case startSweep
    /// Drop the sweep (its overlay closed).
    case cancelSweep
}
