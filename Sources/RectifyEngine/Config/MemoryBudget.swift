import Foundation

/// How much memory a run may plan to use, and the check of an estimate against it.
///
/// The default is half of the physical memory: a run that needs more would push the machine into
/// swap or be killed, and half leaves room for the estimate being low and for everything else
/// running beside it. `--max-memory` moves it either way.
public struct MemoryBudget: Sendable, Equatable {
    /// The limit in bytes; `nil` means no limit (`--max-memory none`).
    public let bytes: Int?
    /// Where the limit comes from, for the refusal's message.
    public let origin: String

    public init(bytes: Int?, origin: String) {
        self.bytes = bytes
        self.origin = origin
    }

    /// Half of this machine's physical memory.
    public static var standard: MemoryBudget {
        let physical = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        return MemoryBudget(bytes: physical / 2, origin: "half of the physical memory; --max-memory changes it")
    }

    /// Reads `8G`, `512M`, `1.5GiB`, `3000000000` (bytes) or `none`. Suffixes K, M, G, T count in
    /// powers of 1024, with an optional `B` or `iB` after them.
    public init?(parsing text: String) {
        let lowered = text.lowercased()
        if lowered == "none" || lowered == "unlimited" {
            self.init(bytes: nil, origin: "--max-memory none")
            return
        }
        var digits = Substring(lowered)
        for suffix in ["ib", "b"] where digits.hasSuffix(suffix) && digits.count > suffix.count {
            digits = digits.dropLast(suffix.count)
            break
        }
        var scale = 1.0
        if let last = digits.last, let power = ["k", "m", "g", "t"].firstIndex(of: String(last)) {
            scale = pow(1024, Double(power + 1))
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let value = Double(digits), value.isFinite, value > 0, value * scale < 9e18 else { return nil }
        self.init(bytes: Int(value * scale), origin: "--max-memory \(text)")
    }

    /// Throws when `estimate` does not fit, naming the total, its largest parts and the limit.
    public func check(_ estimate: MemoryEstimate) throws(MemoryError) {
        guard let limit = bytes, estimate.bytes > limit else { return }
        throw MemoryError(estimate: estimate, limit: limit, origin: origin)
    }
}

/// A configuration that would not fit in the memory budget.
public struct MemoryError: Error, Sendable, CustomStringConvertible {
    public let estimate: MemoryEstimate
    public let limit: Int
    public let origin: String

    public var description: String {
        let largest = estimate.parts.sorted { $0.bytes > $1.bytes }.prefix(3)
            .map { "\($0.name) \(MemoryError.format($0.bytes)) (\($0.formula))" }
            .joined(separator: ", ")
        return "this configuration needs about \(MemoryError.format(estimate.bytes)) of memory (\(largest)), "
            + "over the limit of \(MemoryError.format(limit)) (\(origin)); use fewer tokens, experts or steps"
    }

    /// Bytes in the largest binary unit that keeps the number at least 1.
    public static func format(_ bytes: Int) -> String {
        guard bytes != Int.max else { return "more than 8 EiB" }
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(bytes), unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f", value) + " " + units[unit]
    }
}
