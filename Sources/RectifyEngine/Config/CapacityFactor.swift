/// A capacity factor held as an exact decimal with at most four places.
///
/// The spec computes capacity in integer arithmetic so that exact multiples never round up
/// through floating-point error; keeping the factor in ten-thousandths makes that natural.
public struct CapacityFactor: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The factor times 10,000.
    public let tenThousandths: Int

    public init(tenThousandths: Int) {
        self.tenThousandths = tenThousandths
    }

    /// Rounds a double to four places; `nil` when it needs more places or is not finite.
    public init?(exactly value: Double) {
        guard value.isFinite, abs(value) < 1e9 else { return nil }
        let scaled = (value * 10_000).rounded()
        guard abs(scaled - value * 10_000) < 1e-6 * max(1, abs(value * 10_000)) else { return nil }
        self.tenThousandths = Int(scaled)
    }

    /// Parses a plain decimal such as `1`, `1.25` or `0.0625`.
    public init?(parsing text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !text.isEmpty, text.first != "-", text.first != "+" else { return nil }
        let whole = parts[0]
        let fraction = parts.count == 2 ? parts[1] : ""
        guard whole.allSatisfy(\.isASCIIDigit), fraction.allSatisfy(\.isASCIIDigit),
              !(whole.isEmpty && fraction.isEmpty), fraction.count <= 4, whole.count <= 9,
              let wholeValue = Int(whole.isEmpty ? "0" : whole) else { return nil }
        let padded = fraction + String(repeating: "0", count: 4 - fraction.count)
        guard let fractionValue = Int(padded) else { return nil }
        self.tenThousandths = wholeValue * 10_000 + fractionValue
    }

    /// What a capacity factor may be, in the words every rejection uses (command line, sweep
    /// lists, preset files, validation).
    public static let allowed = "a decimal from 0.0001 to 1000 with at most 4 places"

    /// The one parser for capacity factors from text (`--capacity-factor`, `--ir-capacity-factor`,
    /// `sweep --capacity-factors`, preset files): a plain decimal within `RoutingLimits.capacityFactor`;
    /// `nil` otherwise, and the caller names the key and quotes `allowed`.
    public static func parse(_ text: some StringProtocol) -> CapacityFactor? {
        guard let factor = CapacityFactor(parsing: String(text)),
              RoutingLimits.capacityFactor.contains(factor.tenThousandths) else { return nil }
        return factor
    }

    public var doubleValue: Double { Double(tenThousandths) / 10_000 }

    /// `ceil(numerator * factor / denominator)` computed exactly.
    public func ceilScaled(_ numerator: Int, dividedBy denominator: Int) -> Int {
        let top = numerator * tenThousandths
        let bottom = denominator * 10_000
        return (top + bottom - 1) / bottom
    }

    /// Shortest decimal text: `1`, `1.25`, `0.0625`.
    public var description: String {
        let whole = tenThousandths / 10_000
        var fraction = String(tenThousandths % 10_000)
        guard fraction != "0" else { return String(whole) }
        fraction = String(repeating: "0", count: 4 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(whole).\(fraction)"
    }

    public static func < (lhs: CapacityFactor, rhs: CapacityFactor) -> Bool {
        lhs.tenThousandths < rhs.tenThousandths
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
