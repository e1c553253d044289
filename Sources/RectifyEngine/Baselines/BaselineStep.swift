/// Everything one baseline-routed step leaves behind: figures, the traffic matrix the cost model
/// needs and, when asked for, the per-token assignments output fidelity needs.
public struct BaselineStep: Sendable {
    public let mode: BaselineMode
    public let config: RoutingConfig
    public let figures: SchemeFigures
    /// `G x E`, row per source GPU: tokens of GPU `g` that expert `e` computes (real tokens only,
    /// never padding). Dropless sends exactly these; expert-choice sends `C` per pair.
    public let assignedPerGpuExpert: [Int32]
    public let assignments: BaselineAssignments?

    public init(mode: BaselineMode, config: RoutingConfig, figures: SchemeFigures,
                assignedPerGpuExpert: [Int32], assignments: BaselineAssignments?) {
        self.mode = mode
        self.config = config
        self.figures = figures
        self.assignedPerGpuExpert = assignedPerGpuExpert
        self.assignments = assignments
    }
}
