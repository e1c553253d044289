import Foundation

/// Routes a batch with a baseline router, on the same `RoutingBatch` and `RoutingConfig` as
/// `Router.route`, so baselines and rectify modes compare on the very same tokens.
///
/// Stateless, so any thread may call it. `config.capacityFactor`, `minCapacity` and
/// `gateNormalization` are read where they apply (expert-choice's `C`, dropless's weights);
/// `dropPolicy` and `irCapacityFactor` do not apply to baselines.
public enum BaselineRouter {
    /// Routes one batch. `keepAssignments` keeps per-token experts and weights (for output
    /// fidelity); `threads` source GPUs are routed at once.
    public static func route(_ batch: RoutingBatch, config: RoutingConfig, mode: BaselineMode,
                             keepAssignments: Bool = false,
                             threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws(RoutingError) -> BaselineStep {
        do { try config.validate() } catch { throw .invalidConfig(error) }
        guard batch.tokens == config.tokens, batch.experts == config.experts else {
            throw .shapeMismatch(tokens: batch.tokens, experts: batch.experts,
                                 expectedTokens: config.tokens, expectedExperts: config.experts)
        }
        switch mode {
        case .dropless:
            return DroplessRouting.route(batch, config: config, keepAssignments: keepAssignments, threads: threads)
        case .expertChoice:
            return ExpertChoiceRouting.route(batch, config: config, keepAssignments: keepAssignments, threads: threads)
        }
    }

    /// Routes every baseline in `modes` (in `BaselineMode.allCases` order).
    public static func routeAll(_ batch: RoutingBatch, config: RoutingConfig,
                                modes: Set<BaselineMode> = Set(BaselineMode.allCases),
                                keepAssignments: Bool = false,
                                threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws(RoutingError) -> [BaselineStep] {
        var steps: [BaselineStep] = []
        for mode in BaselineMode.allCases where modes.contains(mode) {
            steps.append(try route(batch, config: config, mode: mode, keepAssignments: keepAssignments, threads: threads))
        }
        return steps
    }
}
