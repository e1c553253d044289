/// Presenter mode (`P`, `--present`): a pace the eye can follow, the headline strip, and the
/// whole screen for bars (no sparklines).
public enum Presenter {
    /// Steps per second when the user asked for no throttle.
    public static let calmThrottle = 3

    /// Turns presenter mode on or off; returns what the engine must be told.
    static func toggle(_ state: inout DashboardState) -> [EngineCommand] {
        state.presenting.toggle()
        if state.presenting {
            state.headlineVisible = true
            guard state.throttle == nil else { return [] }
            state.throttle = calmThrottle
            state.presenterThrottle = true
            return [.setThrottle(calmThrottle)]
        }
        guard state.presenterThrottle else { return [] }
        state.presenterThrottle = false
        if state.throttle == calmThrottle {
            state.throttle = nil
            return [.setThrottle(nil)]
        }
        return []
    }
}
