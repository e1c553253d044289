/// The ranges sidecar integers must fall in before anything is sized by them.
///
/// A sidecar is written by another program; a corrupt one saying `"worldSize": 2^62` must be a
/// one-line error, not an allocation of exabytes. The cluster keys use the engine's own limits
/// (`RoutingLimits`), since a step outside them could not be routed anyway.
enum SidecarLimits {
    /// Step numbers stay exact in a JSON double (2^53).
    static let step = 0...((1 << 53) - 1)
    /// Router positions in a model: far more than any model has.
    static let layer = 0...65_535
    static let worldSize = RoutingLimits.gpus
    /// Tokens of one rank's shard (a step's ranks together are bounded by `totalTokens` too).
    static let tokens = RoutingLimits.totalTokens
    static let experts = RoutingLimits.experts
    static let topK = RoutingLimits.topK
    static let gpus = RoutingLimits.gpus
    static let version = 1...Int.max
}
