/// Everything the step-time estimate depends on besides the routing: the hardware and model
/// profile, what the dispatch sends, and whether IR compute overlaps the dispatch.
public struct CostSettings: Hashable, Sendable {
    public var profile: CostProfile
    public var dispatch: DispatchMode
    /// IR experts compute their local tokens while the dispatch all-to-all is in flight (they
    /// need nothing from it), instead of after it.
    public var irOverlap: Bool

    public init(profile: CostProfile = .h100, dispatch: DispatchMode = .padded, irOverlap: Bool = false) {
        self.profile = profile
        self.dispatch = dispatch
        self.irOverlap = irOverlap
    }

    public var parameters: CostParameters { profile.parameters }
}
