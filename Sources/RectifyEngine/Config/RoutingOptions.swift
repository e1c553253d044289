/// Which rectifications run on top of vanilla top-k routing (spec sections 3-5).
public enum RectifyMode: String, CaseIterable, Sendable, Hashable {
    case vanilla
    case ir
    case fr
    case irfr = "ir+fr"

    /// Intra-GPU Rectification is on.
    public var usesIR: Bool { self == .ir || self == .irfr }
    /// Fill-in Rectification is on.
    public var usesFR: Bool { self == .fr || self == .irfr }

    /// The label users see and type.
    public var label: String { rawValue }
}

/// Which requests an over-full (GPU, expert) pair keeps first (spec section 3).
public enum DropPolicy: String, CaseIterable, Sendable, Hashable {
    /// Highest full-softmax probability first, then token index.
    case score
    /// Lowest token index first.
    case position
    /// First choices before second choices, then token index.
    case choice
}

/// How combination weights are normalised (spec section 6).
public enum GateNormalization: String, CaseIterable, Sendable, Hashable {
    /// Renormalised over the experts the token was routed to (the default).
    case topk
    /// The plain softmax probability, Switch-style.
    case softmax
}
