/// Any router the tools compare: a rectify mode (spec sections 3-5) or a baseline.
///
/// One key type lets sweeps, fidelity and cost results be listed per scheme and lets the CLI
/// parse `--modes vanilla,ir,fr,ir+fr,dropless,expert-choice` in one place.
public enum RoutingScheme: Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case rectify(RectifyMode)
    case baseline(BaselineMode)

    /// The four rectify modes, then the baselines, in the order the tools list them.
    public static var allCases: [RoutingScheme] {
        RectifyMode.allCases.map(RoutingScheme.rectify) + BaselineMode.allCases.map(RoutingScheme.baseline)
    }

    /// Parses a label as users type it (`ir+fr`, `expert-choice`).
    public init?(label: String) {
        if let mode = RectifyMode(rawValue: label) {
            self = .rectify(mode)
        } else if let baseline = BaselineMode(rawValue: label) {
            self = .baseline(baseline)
        } else {
            return nil
        }
    }

    public var label: String {
        switch self {
        case .rectify(let mode): return mode.label
        case .baseline(let mode): return mode.label
        }
    }

    public var description: String { label }
}
