import RectifyEngine

/// The guided tour (`t`): vanilla, then IR, FR and IR+FR, one step per key press, each with a
/// one-line caption (see `TourCaption`) saying what changed, in live figures.
public enum Tour {
    public static let modes: [RectifyMode] = [.vanilla, .ir, .fr, .irfr]

    /// Starts the tour at vanilla, goes on to the next mode, or ends it after the last.
    static func advance(_ state: inout DashboardState) {
        let next = state.tour.map { $0 + 1 } ?? 0
        guard next < modes.count else {
            state.tour = nil
            state.notice = "tour finished"
            return
        }
        state.tour = next
        state.mode = modes[next]
        state.view = .main
        state.beforeAfter = false
    }
}
