extension BaselineStep {
    /// Merges per-GPU results into a step with the figures both baselines share.
    init(mode: BaselineMode, config: RoutingConfig, sources: [SourceAssignments], keepAssignments: Bool,
         makeFigures: (_ expertLoad: [Int], _ gpuLoad: [Int], _ crossGPU: Int, _ covered: Int) -> SchemeFigures) {
        let e = config.experts
        var matrix: [Int32] = []
        matrix.reserveCapacity(config.gpus * e)
        var expertLoad = [Int](repeating: 0, count: e)
        var cross = 0, covered = 0
        var gateMass = GateMass()
        for source in sources {
            gateMass.add(source.gateMass)
            matrix.append(contentsOf: source.assigned)
            for x in 0..<e { expertLoad[x] += Int(source.assigned[x]) }
            cross += source.crossGPU
            covered += source.coveredTokens
        }
        var assignments: BaselineAssignments?
        if keepAssignments {
            var start = [0]
            start.reserveCapacity(config.tokens + 1)
            var experts: [Int32] = []
            var weights: [Double] = []
            for source in sources {
                for count in source.termCounts { start.append((start.last ?? 0) + count) }
                experts.append(contentsOf: source.experts)
                weights.append(contentsOf: source.weights)
            }
            assignments = BaselineAssignments(start: start, experts: experts, weights: weights)
        }
        let gpuLoad = StepFigures.perGPU(expertLoad, gpus: config.gpus)
        var figures = makeFigures(expertLoad, gpuLoad, cross, covered)
        figures.gateMass = gateMass
        self.init(mode: mode, config: config, figures: figures,
                  assignedPerGpuExpert: matrix, assignments: assignments)
    }
}
