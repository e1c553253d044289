import Foundation

/// The recommendation in words, the same in `rectify tune` and the dashboard.
extension Recommendation {
    /// The recommendation in one line, e.g. `cf 1.25, ir+fr: lost 0.4% <= 1%, padding 6.1% <= 10%, 9.1M useful tok/s est.`;
    /// when nothing meets the targets, the closest candidate with the targets it misses (`>`).
    public var summary: String {
        let (r, p) = (self, choice)
        let figures = "cf \(p.capacityFactor), \(p.scheme.label): "
            + [Self.figure("lost", p.lost, r.targets.maxLost), Self.figure("padding", p.padding, r.targets.maxPadding),
               Self.throughput(p.usefulTokensPerSecond) + " useful tok/s est."].joined(separator: ", ")
        guard r.meetsTargets else { return "nothing meets the targets; closest: " + figures }
        return figures
    }

    /// `lost 0.4% <= 1%`, `lost 2% > 1%`, or `lost 0.4%` without a target.
    public static func figure(_ name: String, _ value: Double?, _ limit: Double?) -> String {
        let shown = "\(name) \(percent(value))"
        guard let limit else { return shown }
        let within = value.map { $0 <= limit } ?? false
        return shown + (within ? " <= " : " > ") + percent(limit)
    }

    /// A share as a percentage with at most two decimals, trailing zeros dropped: `0.4%`, `10%`.
    public static func percent(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "-" }
        var text = String(format: "%.2f", value * 100)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text + "%"
    }

    /// Tokens per second in millions, one decimal: `9.1M`.
    public static func throughput(_ value: Double?) -> String {
        value.map { String(format: "%.1fM", $0 / 1e6) } ?? "-"
    }
}
