/// A named scenario: cluster, routing knobs, the mode shown first and where batches come from.
public struct Preset: Equatable, Sendable {
    public var name: String
    public var description: String
    public var routing: RoutingConfig
    public var mode: RectifyMode
    public var workload: WorkloadSpec
    /// The file it was read from; `nil` for the built-in default.
    public var source: String?

    public init(name: String, description: String, routing: RoutingConfig, mode: RectifyMode,
                workload: WorkloadSpec, source: String? = nil) {
        self.name = name
        self.description = description
        self.routing = routing
        self.mode = mode
        self.workload = workload
        self.source = source
    }
}

/// Where a preset's batches come from.
public enum WorkloadSpec: Equatable, Sendable {
    case synthetic(SyntheticParameters)
    case trace(TraceSpec)
}

/// A NumPy trace to replay.
public struct TraceSpec: Equatable, Sendable {
    /// As resolved: relative paths in a preset are taken from the preset file's folder.
    public var path: String
    /// Start again at the first step after the last (otherwise stop).
    public var loop: Bool

    public init(path: String, loop: Bool) {
        self.path = path
        self.loop = loop
    }
}
