/// The figures a recommendation weighs of one (scheme, capacity factor): a sweep point reduced to
/// what the targets and the goal read, so `rectify tune` and the dashboard's sweep choose alike.
public struct TuningPoint: Sendable, Equatable {
    public var scheme: RoutingScheme
    public var capacityFactor: CapacityFactor
    /// `unrecovered / requested`; `nil` where the scheme makes no requests.
    public var lost: Double?
    /// `residualPadding / slots`.
    public var padding: Double?
    /// Estimated step time, seconds (cost model).
    public var stepSeconds: Double?
    /// Covered tokens over estimated time (cost model).
    public var usefulTokensPerSecond: Double?

    public init(scheme: RoutingScheme, capacityFactor: CapacityFactor, lost: Double?, padding: Double?,
                stepSeconds: Double? = nil, usefulTokensPerSecond: Double? = nil) {
        self.scheme = scheme
        self.capacityFactor = capacityFactor
        self.lost = lost
        self.padding = padding
        self.stepSeconds = stepSeconds
        self.usefulTokensPerSecond = usefulTokensPerSecond
    }
}

extension CapacitySweep.Point {
    public var tuningPoint: TuningPoint {
        TuningPoint(scheme: scheme, capacityFactor: capacityFactor, lost: lost, padding: padding,
                    stepSeconds: stepSeconds, usefulTokensPerSecond: usefulTokensPerSecond)
    }
}

/// The limits a tuner sets: at most this share of requests lost, at most this share of slots
/// padding (ratios, 0.01 is 1%); `nil` leaves a figure free.
public struct TuningTargets: Sendable, Equatable {
    public var maxLost: Double?
    public var maxPadding: Double?

    public init(maxLost: Double? = nil, maxPadding: Double? = nil) {
        self.maxLost = maxLost
        self.maxPadding = maxPadding
    }

    /// Lost at most 1%, padding at most 10%: the dashboard's and `rectify tune`'s defaults.
    public static let standard = TuningTargets(maxLost: 0.01, maxPadding: 0.1)

    /// Whether `point` meets every target set (a figure it lacks cannot meet one).
    public func met(by point: TuningPoint) -> Bool { shortfall(point) == 0 }

    /// How far `point` misses the targets: the sum of the ratios it is over them; 0 when it meets
    /// them, infinite when it lacks a figure a target reads.
    public func shortfall(_ point: TuningPoint) -> Double {
        func over(_ value: Double?, _ limit: Double?) -> Double {
            guard let limit else { return 0 }
            guard let value else { return .infinity }
            return max(0, value - limit)
        }
        return over(point.lost, maxLost) + over(point.padding, maxPadding)
    }
}

/// What a recommendation optimises once the targets are met.
public enum TuningGoal: String, Sendable, CaseIterable {
    /// The smallest capacity factor (the least memory and all-to-all volume) that meets the targets.
    case smallestFactor = "smallest-cf"
    /// The best estimated useful tokens per second among the points that meet the targets.
    case throughput
}

/// The (capacity factor, rectify mode) a sweep recommends for the targets and the goal.
///
/// Only rectify modes are candidates: they are what a capacity factor and a mode configure (dropless
/// has no capacity, expert-choice makes no requests). Ties are broken, in order, by the higher
/// estimated useful tokens/s, the lower lost share, the smaller factor and the mode's order
/// (vanilla, ir, fr, ir+fr: the simpler mode first). When no candidate meets the targets, the one
/// with the smallest shortfall (see `TuningTargets.shortfall`) is named, with `meetsTargets` false.
public struct Recommendation: Sendable, Equatable {
    public let choice: TuningPoint
    public let meetsTargets: Bool
    public let targets: TuningTargets
    public let goal: TuningGoal

    /// `nil` when no point is a rectify mode.
    public init?(points: [TuningPoint], targets: TuningTargets, goal: TuningGoal = .smallestFactor) {
        let candidates = points.filter { $0.scheme.mode != nil }
        let meeting = candidates.filter(targets.met)
        let pool = meeting.isEmpty ? candidates : meeting
        let best: TuningPoint?
        if meeting.isEmpty {
            best = pool.min { Self.closer($0, $1, targets: targets) }
        } else {
            switch goal {
            case .smallestFactor:
                best = pool.min { a, b in
                    a.capacityFactor != b.capacityFactor ? a.capacityFactor < b.capacityFactor : Self.better(a, b)
                }
            case .throughput:
                best = pool.min(by: Self.better)
            }
        }
        guard let best else { return nil }
        self.choice = best
        self.meetsTargets = !meeting.isEmpty
        self.targets = targets
        self.goal = goal
    }

    /// The mode chosen (every candidate is a rectify mode).
    public var mode: RectifyMode { choice.scheme.mode ?? .vanilla }

    /// Whether `a` ranks before `b` by throughput, then lost, factor and mode order.
    static func better(_ a: TuningPoint, _ b: TuningPoint) -> Bool {
        let (ta, tb) = (a.usefulTokensPerSecond ?? -.infinity, b.usefulTokensPerSecond ?? -.infinity)
        if ta != tb { return ta > tb }
        let (la, lb) = (a.lost ?? .infinity, b.lost ?? .infinity)
        if la != lb { return la < lb }
        return tieBreak(a, b)
    }

    /// Whether `a` misses the targets by less than `b`; ties as `better`.
    static func closer(_ a: TuningPoint, _ b: TuningPoint, targets: TuningTargets) -> Bool {
        let (sa, sb) = (targets.shortfall(a), targets.shortfall(b))
        if sa != sb { return sa < sb }
        return better(a, b)
    }

    /// The smaller factor, then the earlier mode.
    private static func tieBreak(_ a: TuningPoint, _ b: TuningPoint) -> Bool {
        if a.capacityFactor != b.capacityFactor { return a.capacityFactor < b.capacityFactor }
        return a.scheme.index < b.scheme.index
    }
}
