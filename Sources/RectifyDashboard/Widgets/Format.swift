/// Number formatting for the screen: integer arithmetic, no locale, fixed short widths.
enum Format {
    /// `1234`, `12.3k`, `123k`, `1.23M`: at most five characters below a trillion.
    static func count(_ value: Int) -> String {
        let magnitude = abs(value)
        let sign = value < 0 ? "-" : ""
        if magnitude < 10_000 { return sign + String(magnitude) }
        for (unit, suffix) in [(1e3, "k"), (1e6, "M"), (1e9, "G"), (1e12, "T")] {
            let scaled = Double(magnitude) / unit
            guard scaled < 999.5 || suffix == "T" else { continue }
            if scaled < 9.995 { return sign + decimal(scaled, places: 2) + suffix }
            if scaled < 99.95 { return sign + decimal(scaled, places: 1) + suffix }
            return sign + decimal(scaled, places: 0) + suffix
        }
        return sign + String(magnitude)
    }

    /// `1 step`, `12 steps`: a step count with its noun agreeing.
    static func steps(_ count: Int) -> String {
        count == 1 ? "1 step" : "\(count) steps"
    }

    /// A rate as a percentage: `0.42%`, `12.3%`, `100%`; `unknown` for `nil`.
    static func percent(_ rate: Double?, unknown: String) -> String {
        guard let rate, rate.isFinite else { return unknown }
        let value = rate * 100
        if value == 0 { return "0%" }
        if value < 9.995 { return decimal(value, places: 2) + "%" }
        if value < 99.95 { return decimal(value, places: 1) + "%" }
        return decimal(value, places: 0) + "%"
    }

    /// A ratio such as load imbalance: `1.07`.
    static func ratio(_ value: Double?, unknown: String) -> String {
        guard let value, value.isFinite else { return unknown }
        return decimal(value, places: 2)
    }

    /// Steps per second: `0.50`, `12.3`, `456`.
    static func rate(_ value: Double?, unknown: String) -> String {
        guard let value, value.isFinite else { return unknown }
        if value < 9.995 { return decimal(value, places: 2) }
        if value < 99.95 { return decimal(value, places: 1) }
        return count(Int(value.rounded()))
    }

    /// `value` rounded to `places` decimals, without Foundation's locale-aware formatting.
    static func decimal(_ value: Double, places: Int) -> String {
        guard value.isFinite else { return "?" }
        var scale = 1
        for _ in 0..<max(0, places) { scale *= 10 }
        let scaled = Int((abs(value) * Double(scale)).rounded())
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard places > 0 else { return sign + String(scaled) }
        let whole = scaled / scale
        var fraction = String(scaled % scale)
        fraction = String(repeating: "0", count: places - fraction.count) + fraction
        return sign + "\(whole).\(fraction)"
    }

    /// Number of decimal digits of a non-negative integer.
    static func digits(_ value: Int) -> Int {
        var v = max(0, value)
        var n = 1
        while v >= 10 { v /= 10; n += 1 }
        return n
    }

    /// Pads on the left to `width` characters (longer text is kept whole).
    static func right(_ text: String, _ width: Int) -> String {
        let count = text.count
        return count >= width ? text : String(repeating: " ", count: width - count) + text
    }

    /// Pads on the right to `width` characters (longer text is kept whole).
    static func left(_ text: String, _ width: Int) -> String {
        let count = text.count
        return count >= width ? text : text + String(repeating: " ", count: width - count)
    }
}

extension Format {
    /// A short duration: `850ns`, `12.3µs`, `1.50ms`, `2.31s`; `unknown` for `nil`.
    static func duration(_ seconds: Double?, micro: String, unknown: String) -> String {
        guard let seconds, seconds.isFinite, seconds >= 0 else { return unknown }
        if seconds == 0 { return "0s" }
        let units: [(Double, String)] = [(1e-6, "ns"), (1e-3, micro), (1, "ms")]
        for (limit, unit) in units where seconds < limit * 0.9995 {
            return significant(seconds / limit * 1000) + unit
        }
        return significant(seconds) + "s"
    }

    /// `duration` in the glyphs' alphabet: `µs` or `us`, and their unknown mark.
    static func duration(_ seconds: Double?, glyphs: Glyphs) -> String {
        duration(seconds, micro: glyphs.unicode ? "µs" : "us", unknown: glyphs.unknown)
    }

    /// Three significant digits for values from 1 to 999.
    private static func significant(_ value: Double) -> String {
        if value < 9.995 { return decimal(value, places: 2) }
        if value < 99.95 { return decimal(value, places: 1) }
        return decimal(value, places: 0)
    }
}
