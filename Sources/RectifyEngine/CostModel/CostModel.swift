/// Step-time estimate of one MoE layer from a scheme's `StepWork` (issue 4).
///
/// Notation: `G` GPUs, `E` experts, `m = E / G`, `owner(e) = e / m`; `P` GPUs per node,
/// `node(q) = q / P`; `s[g][e]` entries GPU `g` sends to expert `e` (`StepWork.sentPerGpuExpert`),
/// `r[g][e]` of them real tokens; `beta = d * b` bytes per entry; `F` FLOP/s per GPU;
/// `B_intra`, `B_inter` bytes/s per GPU per direction.
///
///     outIntra(q) = beta * sum of s[q][e] over e with owner(e) != q, node(owner(e)) == node(q)
///     outInter(q) = beta * sum of s[q][e] over e with node(owner(e)) != node(q)
///     inIntra(q)  = beta * sum of s[g][e] over g != q with node(g) == node(q), e with owner(e) == q
///     inInter(q)  = beta * sum of s[g][e] over g with node(g) != node(q), e with owner(e) == q
///     link(q)     = max(max(outIntra(q), inIntra(q)) / B_intra, max(outInter(q), inInter(q)) / B_inter)
///     dispatch    = max over q of link(q)
///     combine     = dispatch
///     compute(q)  = (bufferRows(q) + localRows(q)) * 2 * M * d * f / F
///     step        = dispatch + max over q of compute(q) + combine
///     useful tokens per second = coveredTokens / step
///
/// Why: links are full duplex, and a GPU's NVLink and its NIC run at once, so a GPU is busy for
/// its slowest link direction; the all-to-all ends when the busiest GPU is done. Entries whose
/// expert is on the token's own GPU are local copies and cost nothing. The combine all-to-all
/// returns every entry to its source, which swaps `out` and `in` per GPU and gives the same time.
/// Capacity routers send the whole `G x E x C` buffer, padding included, so their communication
/// does not depend on routing at all; IR adds rows to `compute(q)` and nothing to communication;
/// FR fills slots that were sent and computed anyway. Compute and communication do not overlap,
/// and gating, attention and the rest of the model are not counted.
///
/// Settings (`CostSettings`): `unpadded` dispatch sends only real entries (see `StepWork`); with
/// `irOverlap` a GPU computes its IR rows during the dispatch, which needs nothing from them:
///
///     step = max over q of (max(dispatch, local(q)) + buffer(q)) + combine
///
/// Bytes (per direction): `bufferBytes = beta * sum of s[g][e]` over pairs with `owner(e) != g`,
/// split into intra- and inter-node by the same rule; `realBytes` likewise from `r[g][e]`. When
/// only summed figures were available (`r` is `nil`), `realBytes = beta * crossGPU`, split in the
/// buffer's own intra/inter proportion (exact when every pair holds the same share of real tokens).
public enum CostModel {
    public static func estimate(_ work: StepWork, parameters: CostParameters) -> StepCost {
        estimate(work, settings: CostSettings(profile: CostProfile(name: "", parameters: parameters)))
    }

    public static func estimate(_ work: StepWork, settings: CostSettings) -> StepCost {
        let parameters = settings.parameters
        let g = work.gpus
        let e = work.experts
        let m = max(1, e / max(1, g))
        let beta = parameters.bytesPerToken
        var outIntra = [Int](repeating: 0, count: g), outInter = outIntra
        var inIntra = outIntra, inInter = outIntra
        var realIntra = 0, realInter = 0
        for source in 0..<g {
            for expert in 0..<e {
                let target = expert / m
                guard target != source else { continue }
                let entries = work.sentPerGpuExpert[source * e + expert] * beta
                let real = (work.realPerGpuExpert?[source * e + expert] ?? 0) * beta
                if parameters.node(ofGPU: target) == parameters.node(ofGPU: source) {
                    outIntra[source] += entries
                    inIntra[target] += entries
                    realIntra += real
                } else {
                    outInter[source] += entries
                    inInter[target] += entries
                    realInter += real
                }
            }
        }
        var dispatch = 0.0
        for q in 0..<g {
            let intra = Double(max(outIntra[q], inIntra[q])) / parameters.intraNodeBandwidth
            let inter = Double(max(outInter[q], inInter[q])) / parameters.interNodeBandwidth
            dispatch = max(dispatch, max(intra, inter))
        }
        let bufferIntra = outIntra.reduce(0, +)
        let bufferInter = outInter.reduce(0, +)
        if work.realPerGpuExpert == nil {
            let real = work.realCrossGPU * beta
            let buffer = bufferIntra + bufferInter
            realIntra = buffer > 0 ? Int((Double(real) * Double(bufferIntra) / Double(buffer)).rounded()) : 0
            realInter = real - realIntra
        }
        // (rows * FLOPs) / peak, in this order: the figures stay bit for bit what they were.
        func seconds(_ rows: Int) -> Double { Double(rows) * parameters.flopsPerToken / parameters.peakFLOPS }
        let compute = (0..<g).map { q in seconds(work.bufferRows[q] + work.localRows[q]) }
        var step = dispatch + (compute.max() ?? 0) + dispatch
        if settings.irOverlap {
            let busiest = (0..<g).map { q in max(dispatch, seconds(work.localRows[q])) + seconds(work.bufferRows[q]) }
            step = (busiest.max() ?? dispatch) + dispatch
        }
        return StepCost(
            dispatchSeconds: dispatch, combineSeconds: dispatch, computeSeconds: compute,
            stepSeconds: step,
            bufferBytes: bufferIntra + bufferInter, intraNodeBytes: bufferIntra, interNodeBytes: bufferInter,
            realBytes: realIntra + realInter, realIntraNodeBytes: realIntra, realInterNodeBytes: realInter,
            usefulTokens: work.usefulTokens)
    }
}
