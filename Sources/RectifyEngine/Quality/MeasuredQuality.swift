/// Model quality measured outside the tool (a trained model evaluated under each routing scheme),
/// read from a preset's quality file. The tool never computes these numbers; it only shows the
/// one that matches the run's settings exactly, so nothing is interpolated or extrapolated.
public struct MeasuredQuality: Equatable, Sendable {
    /// One measurement: the routing settings it was taken under and the metric's value.
    public struct Point: Equatable, Sendable {
        public var topK: Int
        public var capacityFactor: CapacityFactor
        public var dropPolicy: DropPolicy
        public var mode: RectifyMode
        public var value: Double

        public init(topK: Int, capacityFactor: CapacityFactor, dropPolicy: DropPolicy, mode: RectifyMode, value: Double) {
            self.topK = topK
            self.capacityFactor = capacityFactor
            self.dropPolicy = dropPolicy
            self.mode = mode
            self.value = value
        }
    }

    /// One sentence on what was measured and how.
    public var about: String
    /// The metric's name, e.g. `bitsPerByte`.
    public var metric: String
    public var lowerIsBetter: Bool
    /// The same metric with dropless top-k routing: the reference every mode is read against.
    public var dropless: Double
    public var points: [Point]
    /// The file it was read from, as resolved.
    public var source: String

    public init(about: String, metric: String, lowerIsBetter: Bool, dropless: Double, points: [Point], source: String) {
        self.about = about
        self.metric = metric
        self.lowerIsBetter = lowerIsBetter
        self.dropless = dropless
        self.points = points
        self.source = source
    }

    /// The measured value for exactly these settings, or `nil`: no measurement for them.
    public func value(topK: Int, capacityFactor: CapacityFactor, dropPolicy: DropPolicy, mode: RectifyMode) -> Double? {
        points.first {
            $0.topK == topK && $0.capacityFactor == capacityFactor && $0.dropPolicy == dropPolicy && $0.mode == mode
        }?.value
    }

    /// `value` for the settings of `config`.
    public func value(config: RoutingConfig, mode: RectifyMode) -> Double? {
        value(topK: config.topK, capacityFactor: config.capacityFactor, dropPolicy: config.dropPolicy, mode: mode)
    }
}

extension MeasuredQuality {
    /// `value` for any scheme: a rectify mode's measurement, the dropless reference for dropless,
    /// `nil` for a scheme the file does not measure.
    public func value(config: RoutingConfig, scheme: RoutingScheme) -> Double? {
        switch scheme {
        case .rectify(let mode): return value(config: config, mode: mode)
        case .baseline(.dropless): return dropless
        case .baseline: return nil
        }
    }
}
