/// The engine throttle rungs `>`/`<` move between, in steps per second; `nil` (unlimited) is the top.
public enum SpeedLadder {
    public static let rungs: [Int] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]

    /// One rung faster: unlimited after the top rung; stays unlimited.
    public static func faster(than throttle: Int?) -> Int? {
        guard let throttle else { return nil }
        return rungs.first { $0 > throttle }
    }

    /// One rung slower. From unlimited, the highest rung below the measured rate (so the engine
    /// visibly slows down), or the top rung when the rate is unknown. Stays at the bottom rung.
    public static func slower(than throttle: Int?, measured: Double? = nil) -> Int? {
        guard let throttle else {
            if let measured, let below = rungs.last(where: { Double($0) < measured }) { return below }
            return measured == nil ? rungs.last : rungs.first
        }
        return rungs.last { $0 < throttle } ?? rungs.first
    }

    /// How the throttle reads in the header.
    public static func label(_ throttle: Int?) -> String {
        throttle.map { "\($0)/s" } ?? "unlimited"
    }
}
