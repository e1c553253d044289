import Foundation

/// Expert-choice routing (Zhou et al. 2022, "Mixture-of-Experts with Expert Choice Routing"),
/// applied per source GPU like the capacity router: for every (source GPU `g`, expert `e`),
/// the expert takes the `C` tokens of `g` with the highest `p[t][e]` (full-softmax probability,
/// ties to the lower token index), `C` from spec section 2. A token may be taken by several
/// experts or by none; every expert gets exactly `G * min(n, C)` tokens, so load is perfectly
/// balanced.
///
/// Weights are `p[t][e]` of each expert that took the token, unnormalised: the paper's gating
/// matrix holds the softmax scores of the chosen (token, expert) pairs and the layer output is
/// their weighted sum, with no renormalisation over the experts a token ended up with. The
/// configuration's `gateNormalization` therefore does not apply here.
enum ExpertChoiceRouting {
    static func route(_ batch: RoutingBatch, config: RoutingConfig, keepAssignments keep: Bool, threads: Int) -> BaselineStep {
        let sources = SourceAssignments.collect(gpus: config.gpus, threads: threads) { g in
            routeSource(g, batch: batch, config: config, keep: keep)
        }
        return BaselineStep(mode: .expertChoice, config: config, sources: sources, keepAssignments: keep) {
            expertLoad, gpuLoad, cross, covered in
            let kept = config.gpus * config.experts * min(config.tokensPerGPU, config.capacity)
            let slots = config.slots
            return SchemeFigures(
                scheme: .baseline(.expertChoice), step: batch.step, capacity: config.capacity, requested: nil, kept: kept,
                dropped: nil, recovered: nil, unrecovered: nil, irTokens: nil, filled: nil, slots: slots,
                padding: slots - kept, residualPadding: slots - kept, crossGPU: cross, coveredTokens: covered,
                tokens: config.tokens, gpuLoad: gpuLoad, imbalance: StepFigures.imbalance(of: gpuLoad),
                expertRequested: nil, expertKept: expertLoad, expertDropped: nil, expertFilled: nil,
                expertIR: nil, expertLoad: expertLoad)
        }
    }

    private static func routeSource(_ g: Int, batch: RoutingBatch, config: RoutingConfig, keep: Bool) -> SourceAssignments {
        let e = config.experts
        let n = config.tokensPerGPU
        let taken = min(n, config.capacity)
        let first = g * n
        var result = SourceAssignments(experts: e)
        // p[local][x], row-major, then per expert its column and the `taken`-th largest value.
        var probabilities = [Double](repeating: 0, count: n * e)
        var chosen = [Bool](repeating: taken == n, count: n * e)
        batch.logits.withUnsafeBufferPointer { logits in
            for local in 0..<n {
                let start = (first + local) * e
                let row = UnsafeBufferPointer(rebasing: logits[start..<(start + e)])
                var peak = row[0]
                for x in 1..<e where row[x] > peak { peak = row[x] }
                var total = 0.0
                for x in 0..<e {
                    let value = exp(Double(row[x]) - Double(peak))
                    probabilities[local * e + x] = value
                    total += value
                }
                for x in 0..<e { probabilities[local * e + x] /= total }
            }
        }
        if taken > 0 && taken < n {
            var column = [Double](repeating: 0, count: n)
            for x in 0..<e {
                for local in 0..<n { column[local] = probabilities[local * e + x] }
                let threshold = PartialSelection.largest(&column, rank: taken)
                // Everything above the threshold, then ties at it by token index until `taken`.
                var remaining = taken
                for local in 0..<n where probabilities[local * e + x] > threshold {
                    chosen[local * e + x] = true
                    remaining -= 1
                }
                for local in 0..<n where remaining > 0 && probabilities[local * e + x] == threshold {
                    chosen[local * e + x] = true
                    remaining -= 1
                }
            }
        }
        if keep { result.termCounts = [Int](repeating: 0, count: n) }
        var top = [Int](repeating: 0, count: config.topK)
        for local in 0..<n {
            // The token's own top-k, to split the chosen pairs' mass into intended and other experts.
            batch.logits.withUnsafeBufferPointer { logits in
                top.withUnsafeMutableBufferPointer { topBuffer in
                    let start = (first + local) * e
                    TopKGate.topK(UnsafeBufferPointer(rebasing: logits[start..<(start + e)]), k: config.topK, into: topBuffer)
                }
            }
            for x in top { result.gateMass.requested += probabilities[local * e + x] }
            var terms = 0
            for x in 0..<e where chosen[local * e + x] {
                if top.contains(x) {
                    result.gateMass.kept += probabilities[local * e + x]
                } else {
                    result.gateMass.outsideTopK += probabilities[local * e + x]
                }
                terms += 1
                result.assigned[x] += 1
                if config.owner(ofExpert: x) != g { result.crossGPU += 1 }
                if keep {
                    result.experts.append(Int32(truncatingIfNeeded: x))
                    result.weights.append(probabilities[local * e + x])
                }
            }
            if terms > 0 { result.coveredTokens += 1 }
            if keep { result.termCounts[local] = terms }
        }
        return result
    }
}
