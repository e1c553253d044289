/// Reads and validates a quality file (see `MeasuredQuality`); every error names the file, the
/// key (`points[i].key` inside the list) and what is allowed.
public enum QualityFileReader {
    static let keys = ["about", "metric", "lowerIsBetter", "dropless", "points"]
    static let pointKeys = ["topK", "capacityFactor", "dropPolicy", "mode", "value"]

    public static func read(file path: String) throws(ConfigError) -> MeasuredQuality {
        do throws(ConfigError) {
            return try parse(try JSONFields.read(file: path), source: path)
        } catch {
            throw error.source == nil ? error.from(path) : error
        }
    }

    public static func parse(_ text: String, source: String) throws(ConfigError) -> MeasuredQuality {
        let members = try JSONFields.object(text, what: "quality file")
        try JSONFields.rejectUnknown(members, allowed: keys, prefix: "")
        let f = JSONFields(members: members, prefix: "")
        let about = try f.string("about", required: true) ?? ""
        let metric = try f.string("metric", required: true) ?? ""
        guard !metric.isEmpty else { throw ConfigError(key: "metric", value: "\"\"", allowed: "a metric name such as bitsPerByte") }
        let lowerIsBetter = try f.bool("lowerIsBetter", required: true) ?? true
        let dropless = try finite(f, "dropless")
        guard case .array(let list)? = f.value("points") else {
            throw ConfigError(key: "points", value: f.value("points").map(JSONFields.show) ?? "(missing)",
                              allowed: "a list of {topK, capacityFactor, dropPolicy, mode, value} objects")
        }
        var points: [MeasuredQuality.Point] = []
        for (index, item) in list.enumerated() {
            let prefix = "points[\(index)]."
            guard case .object(let pointMembers) = item else {
                throw ConfigError(key: "points[\(index)]", value: item.kind, allowed: "an object")
            }
            try JSONFields.rejectUnknown(pointMembers, allowed: pointKeys, prefix: prefix)
            let p = JSONFields(members: pointMembers, prefix: prefix)
            let topK = try p.int("topK", required: true) ?? 0
            guard RoutingLimits.topK.contains(topK) else {
                throw ConfigError(key: prefix + "topK", value: String(topK),
                                  allowed: "an integer from \(RoutingLimits.topK.lowerBound) to \(RoutingLimits.topK.upperBound)")
            }
            let point = MeasuredQuality.Point(
                topK: topK, capacityFactor: try p.capacityFactor("capacityFactor", required: true) ?? CapacityFactor(tenThousandths: 10_000),
                dropPolicy: try p.choice("dropPolicy", DropPolicy.self, required: true) ?? .score,
                mode: try p.choice("mode", RectifyMode.self, required: true) ?? .vanilla,
                value: try finite(p, "value"))
            if points.contains(where: { $0.topK == point.topK && $0.capacityFactor == point.capacityFactor
                                        && $0.dropPolicy == point.dropPolicy && $0.mode == point.mode }) {
                throw ConfigError(key: "points[\(index)]", value: "(a repeat)",
                                  allowed: "one point per (topK, capacityFactor, dropPolicy, mode)")
            }
            points.append(point)
        }
        return MeasuredQuality(about: about, metric: metric, lowerIsBetter: lowerIsBetter, dropless: dropless,
                               points: points, source: source)
    }

    private static func finite(_ f: JSONFields, _ key: String) throws(ConfigError) -> Double {
        let value = try f.double(key, required: true) ?? 0
        guard value.isFinite else { throw ConfigError(key: f.prefix + key, value: String(value), allowed: "a finite number") }
        return value
    }
}
