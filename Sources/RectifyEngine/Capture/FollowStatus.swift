/// Where a followed capture stands, for headers and reports: what was routed, skipped or
/// rejected, and how old the latest routed step is.
public struct FollowStatus: Equatable, Sendable {
    /// The capture folder as given.
    public var path: String
    public var layer: Int
    public var layerName: String
    /// The capture's step number and session of the latest routed step.
    public var lastStep: Int?
    public var lastSession: String?
    /// When the latest routed step was written (Unix seconds), for the lag.
    public var lastWrittenAt: Double?
    /// Complete steps routed, passed over for a newer one (the reader was behind), and refused
    /// (wrong shape, bad values, unreadable files).
    public var routed = 0
    public var skipped = 0
    public var rejected = 0
    /// The latest problem seen (a refused step, an unreadable sidecar, a missing folder); `nil`
    /// once steps flow again.
    public var problem: String? {
        didSet { if let problem { lastProblem = problem } }
    }
    /// The latest problem ever seen, kept after steps flow again (for a run's report).
    public private(set) var lastProblem: String?

    public init(path: String, layer: Int, layerName: String) {
        self.path = path
        self.layer = layer
        self.layerName = layerName
    }

    /// Seconds between the latest routed step's writing and `now`; `nil` before the first step.
    public func lag(now: Double) -> Double? { lastWrittenAt.map { max(0, now - $0) } }
}
