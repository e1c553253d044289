/// Dropless top-k (MegaBlocks-style): every top-k assignment is computed, nothing is dropped and
/// nothing is padded, so uneven demand shows up as uneven per-GPU compute (`gpuLoad`).
///
/// Weights are the usual top-k gate (spec section 6 with nothing dropped), under the
/// configuration's `gateNormalization`.
enum DroplessRouting {
    static func route(_ batch: RoutingBatch, config: RoutingConfig, keepAssignments keep: Bool, threads: Int) -> BaselineStep {
        let sources = SourceAssignments.collect(gpus: config.gpus, threads: threads) { g in
            routeSource(g, batch: batch, config: config, keep: keep)
        }
        return BaselineStep(mode: .dropless, config: config, sources: sources, keepAssignments: keep) {
            expertLoad, gpuLoad, cross, covered in
            let requested = config.tokens * config.topK
            return SchemeFigures(
                scheme: .baseline(.dropless), step: batch.step, capacity: nil, requested: requested, kept: requested,
                dropped: 0, recovered: nil, unrecovered: 0, irTokens: nil, filled: nil, slots: nil,
                padding: 0, residualPadding: 0, crossGPU: cross, coveredTokens: covered,
                tokens: config.tokens, gpuLoad: gpuLoad, imbalance: StepFigures.imbalance(of: gpuLoad),
                expertRequested: expertLoad, expertKept: expertLoad,
                expertDropped: [Int](repeating: 0, count: config.experts), expertFilled: nil, expertIR: nil,
                expertLoad: expertLoad)
        }
    }

    private static func routeSource(_ g: Int, batch: RoutingBatch, config: RoutingConfig, keep: Bool) -> SourceAssignments {
        let e = config.experts
        let k = config.topK
        let n = config.tokensPerGPU
        var result = SourceAssignments(experts: e)
        if keep {
            result.termCounts = [Int](repeating: k, count: n)
            result.experts.reserveCapacity(n * k)
            result.weights.reserveCapacity(n * k)
        }
        var top = [Int](repeating: 0, count: k)
        batch.logits.withUnsafeBufferPointer { logits in
        top.withUnsafeMutableBufferPointer { topBuffer in
            for t in (g * n)..<((g + 1) * n) {
                let row = UnsafeBufferPointer(rebasing: logits[(t * e)..<((t + 1) * e)])
                TopKGate.topK(row, k: k, into: topBuffer)
                let mass = TopKGate.probabilityMass(row, experts: UnsafeBufferPointer(topBuffer))
                result.gateMass.requested += mass
                result.gateMass.kept += mass
                for r in 0..<k {
                    let x = topBuffer[r]
                    result.assigned[x] += 1
                    if config.owner(ofExpert: x) != g { result.crossGPU += 1 }
                }
                if keep {
                    let choices = Array(topBuffer)
                    result.experts.append(contentsOf: choices.map { Int32(truncatingIfNeeded: $0) })
                    result.weights.append(contentsOf: TopKGate.weights(choices: choices, row: row,
                                                                       normalization: config.gateNormalization))
                }
            }
        }}
        result.coveredTokens = k > 0 ? n : 0
        return result
    }
}
