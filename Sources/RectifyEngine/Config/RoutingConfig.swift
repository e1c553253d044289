/// The cluster and routing parameters of one step (spec sections 1-2).
///
/// A value type so that the dashboard can change a knob between batches by building a new one.
public struct RoutingConfig: Hashable, Sendable {
    /// Expert-parallel ranks, `G`.
    public var gpus: Int
    /// Experts, `E`; a multiple of `gpus`.
    public var experts: Int
    /// Experts each token asks for, `k`.
    public var topK: Int
    /// Tokens each GPU holds per step, `n`.
    public var tokensPerGPU: Int
    public var capacityFactor: CapacityFactor
    public var minCapacity: Int
    public var dropPolicy: DropPolicy
    /// Bounds IR work per expert to `ceil(irCapacityFactor * C)`; `nil` leaves it unbounded (the paper).
    public var irCapacityFactor: CapacityFactor?
    public var gateNormalization: GateNormalization

    public init(
        gpus: Int, experts: Int, topK: Int, tokensPerGPU: Int,
        capacityFactor: CapacityFactor = CapacityFactor(tenThousandths: 10_000),
        minCapacity: Int = 1, dropPolicy: DropPolicy = .score,
        irCapacityFactor: CapacityFactor? = nil, gateNormalization: GateNormalization = .topk
    ) {
        self.gpus = gpus
        self.experts = experts
        self.topK = topK
        self.tokensPerGPU = tokensPerGPU
        self.capacityFactor = capacityFactor
        self.minCapacity = minCapacity
        self.dropPolicy = dropPolicy
        self.irCapacityFactor = irCapacityFactor
        self.gateNormalization = gateNormalization
    }

    /// Experts per GPU, `m = E / G`.
    public var expertsPerGPU: Int { experts / gpus }
    /// Tokens in a step, `T = G * n`.
    public var tokens: Int { gpus * tokensPerGPU }
    /// The GPU that holds expert `e` (contiguous placement).
    public func owner(ofExpert expert: Int) -> Int { expert / expertsPerGPU }
    /// The GPU that holds token `t` (GPU-major numbering).
    public func source(ofToken token: Int) -> Int { token / tokensPerGPU }

    /// Slots per (source GPU, expert): `C = max(minCapacity, ceil(n * k * cf / E))` in integers.
    public var capacity: Int {
        max(minCapacity, capacityFactor.ceilScaled(tokensPerGPU * topK, dividedBy: experts))
    }

    /// The all-to-all buffer entries per step, `G * E * C`.
    public var slots: Int { gpus * experts * capacity }

    /// IR tokens one expert accepts per step, or `nil` for unbounded.
    public var irCapacity: Int? {
        irCapacityFactor.map { $0.ceilScaled(capacity, dividedBy: 1) }
    }
}

/// The bounds the engine accepts; every rejection names the key and its allowed range.
public enum RoutingLimits {
    public static let gpus = 1...4096
    public static let experts = 1...16_384
    public static let topK = 1...64
    public static let tokensPerGPU = 1...(1 << 24)
    public static let totalTokens = 1...(1 << 26)
    public static let minCapacity = 0...(1 << 24)
    /// 0.0001 ... 1000 in ten-thousandths.
    public static let capacityFactor = 1...10_000_000
    /// The G x E matrices the engine keeps must stay addressable and reasonably small.
    public static let gpuExpertPairs = 1...(1 << 26)
}

extension RoutingConfig {
    /// Throws the first problem found, naming the key, the value and what is allowed.
    public func validate() throws(ConfigError) {
        func check(_ key: String, _ value: Int, _ range: ClosedRange<Int>) throws(ConfigError) {
            guard range.contains(value) else {
                throw ConfigError(key: key, value: String(value), allowed: "an integer from \(range.lowerBound) to \(range.upperBound)")
            }
        }
        try check("gpus", gpus, RoutingLimits.gpus)
        try check("experts", experts, RoutingLimits.experts)
        try check("tokensPerGPU", tokensPerGPU, RoutingLimits.tokensPerGPU)
        try check("minCapacity", minCapacity, RoutingLimits.minCapacity)
        guard experts % gpus == 0 else {
            throw ConfigError(key: "experts", value: String(experts),
                              allowed: "a multiple of gpus (\(gpus)) so every GPU holds the same number of experts")
        }
        let maxK = min(experts, RoutingLimits.topK.upperBound)
        guard (1...maxK).contains(topK) else {
            throw ConfigError(key: "topK", value: String(topK), allowed: "an integer from 1 to \(maxK) (at most the number of experts)")
        }
        guard RoutingLimits.capacityFactor.contains(capacityFactor.tenThousandths) else {
            throw ConfigError(key: "capacityFactor", value: capacityFactor.description, allowed: CapacityFactor.allowed)
        }
        if let ir = irCapacityFactor, !RoutingLimits.capacityFactor.contains(ir.tenThousandths) {
            throw ConfigError(key: "irCapacityFactor", value: ir.description, allowed: CapacityFactor.allowed)
        }
        guard RoutingLimits.totalTokens.contains(tokens) else {
            throw ConfigError(key: "tokensPerGPU", value: String(tokensPerGPU),
                              allowed: "at most \(RoutingLimits.totalTokens.upperBound) tokens per step in all (gpus x tokensPerGPU is \(tokens))")
        }
        guard RoutingLimits.gpuExpertPairs.contains(gpus * experts) else {
            throw ConfigError(key: "experts", value: String(experts),
                              allowed: "gpus x experts at most \(RoutingLimits.gpuExpertPairs.upperBound)")
        }
    }
}

/// A rejected setting: which key, what value, what would be accepted.
///
/// Keys and values may come from a file or the command line: the description echoes a short,
/// printable excerpt of them (`TerminalText`), never a whole 10 MB value or an escape sequence.
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public var key: String
    public var value: String
    public var allowed: String
    /// Where the value came from (a file name), when known.
    public var source: String?
    /// The key itself is not one the reader knows.
    public var unknownKey: Bool
    /// A whole-sentence account for problems that are not one key's value (malformed JSON).
    public var message: String?
    /// The accepted key or value closest to the one given, when one is close (a likely typo).
    public var suggestion: String?

    public init(key: String, value: String, allowed: String, source: String? = nil, unknownKey: Bool = false,
                message: String? = nil, suggestion: String? = nil) {
        self.key = key
        self.value = value
        self.allowed = allowed
        self.source = source
        self.unknownKey = unknownKey
        self.message = message
        self.suggestion = suggestion
    }

    /// The same error, attributed to a file.
    public func from(_ source: String) -> ConfigError {
        var copy = self
        copy.source = source
        return copy
    }

    public var description: String {
        let place = source.map { "\(TerminalText.path($0)): " } ?? ""
        if let message { return place + TerminalText.line(message) }
        let hint = suggestion.map { " (did you mean \(TerminalText.excerpt($0))?)" } ?? ""
        let allowed = TerminalText.line(self.allowed)
        if unknownKey { return "\(place)unknown key \"\(TerminalText.excerpt(key))\"\(hint): expected one of \(allowed)" }
        return "\(place)invalid \(TerminalText.excerpt(key)) \(TerminalText.excerpt(value))\(hint): expected \(allowed)"
    }
}
