/// A named scenario: cluster, routing knobs, the mode shown first and where batches come from.
public struct Preset: Equatable, Sendable {
    public var name: String
    public var description: String
    public var routing: RoutingConfig
    public var mode: RectifyMode
    public var workload: WorkloadSpec
    /// The file it was read from; `nil` for the built-in default.
    public var source: String?
    /// How the layer-distortion proxy is measured (expert similarity, reference).
    public var fidelity: FidelityOptions
    /// The cost model's profile and switches.
    public var cost: CostSettings
    /// Quality measured on a trained model for some settings, from the preset's quality file.
    public var quality: MeasuredQuality?

    public init(name: String, description: String, routing: RoutingConfig, mode: RectifyMode,
                workload: WorkloadSpec, source: String? = nil, fidelity: FidelityOptions = FidelityOptions(),
                cost: CostSettings = CostSettings(), quality: MeasuredQuality? = nil) {
        self.name = name
        self.description = description
        self.routing = routing
        self.mode = mode
        self.workload = workload
        self.source = source
        self.fidelity = fidelity
        self.cost = cost
        self.quality = quality
    }
}

/// Where a preset's batches come from.
public enum WorkloadSpec: Equatable, Sendable {
    case synthetic(SyntheticParameters)
    /// A finished trace or capture, replayed.
    case trace(TraceSpec)
    /// A capture routed as a live job writes it: it has no last step, so nothing to loop.
    case follow(FollowSpec)
}

/// A NumPy trace or a capture folder to replay.
public struct TraceSpec: Equatable, Sendable {
    /// A `.npy` file or a capture folder. As resolved: relative paths in a preset are taken from
    /// the preset file's folder.
    public var path: String
    /// Start again at the first step after the last (otherwise stop).
    public var loop: Bool
    /// A capture folder's layer: its index or module name (`nil`: the lowest layer).
    public var layer: String?

    public init(path: String, loop: Bool, layer: String? = nil) {
        self.path = path
        self.loop = loop
        self.layer = layer
    }
}

/// A capture folder to follow as it is written.
public struct FollowSpec: Equatable, Sendable {
    public var path: String
    /// The layer: its index or module name (`nil`: the lowest layer).
    public var layer: String?

    public init(path: String, layer: String? = nil) {
        self.path = path
        self.layer = layer
    }
}
