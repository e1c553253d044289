import Testing
import Foundation
@testable import RectifyEngine

/// The spec followed line by line with plain loops and doubles, to check the optimised router.
struct BruteForceRouter {
    let config: RoutingConfig
    let logits: [[Double]]

    init(config: RoutingConfig, logits flat: [Float]) {
        self.config = config
        self.logits = (0..<config.tokens).map { t in
            (0..<config.experts).map { Double(flat[t * config.experts + $0]) }
        }
    }

    func probabilities(_ t: Int) -> [Double] {
        let peak = logits[t].max() ?? 0
        let exps = logits[t].map { exp($0 - peak) }
        let sum = exps.reduce(0, +)
        return exps.map { $0 / sum }
    }

    func ranking(_ t: Int) -> [Int] {
        (0..<config.experts).sorted { x, y in
            logits[t][x] > logits[t][y] || (logits[t][x] == logits[t][y] && x < y)
        }
    }

    struct Expected {
        var figures: [RectifyMode: StepFigures] = [:]
        var requested: [[Int]] = []
        var kept: [[Int]] = []
        var filled: [[Int]] = []
        var irPerExpert: [Int] = []
    }

    func run() -> Expected {
        let g = config.gpus, e = config.experts, k = config.topK, n = config.tokensPerGPU, c = config.capacity
        let tokenCount = config.tokens
        let p = (0..<tokenCount).map(probabilities)
        let ranks = (0..<tokenCount).map(ranking)
        let topk = ranks.map { Array($0.prefix(k)) }
        let next: [Int?] = ranks.map { k < e ? $0[k] : nil }

        var requested = [[Int]](repeating: [Int](repeating: 0, count: e), count: g)
        var kept = requested
        var keptBy = [Set<Int>](repeating: [], count: tokenCount)
        for source in 0..<g {
            for expert in 0..<e {
                var requests = (source * n..<(source + 1) * n).filter { topk[$0].contains(expert) }
                requested[source][expert] = requests.count
                switch config.dropPolicy {
                case .score:
                    requests.sort { p[$0][expert] > p[$1][expert] || (p[$0][expert] == p[$1][expert] && $0 < $1) }
                case .position:
                    requests.sort()
                case .choice:
                    requests.sort { a, b in
                        let ra = topk[a].firstIndex(of: expert) ?? 0, rb = topk[b].firstIndex(of: expert) ?? 0
                        return ra < rb || (ra == rb && a < b)
                    }
                }
                for t in requests.prefix(c) { keptBy[t].insert(expert) }
                kept[source][expert] = min(requests.count, c)
            }
        }
        let drops = (0..<tokenCount).map { k - keptBy[$0].count }

        // IR
        let m = e / g
        var irTarget = [Int?](repeating: nil, count: tokenCount)
        var wanted: [Int: [Int]] = [:]
        for t in 0..<tokenCount where drops[t] > 0 {
            let source = t / n
            let candidates = (source * m..<(source + 1) * m).filter { !keptBy[t].contains($0) }
            var best: Int?
            for x in candidates where best.map({ logits[t][x] > logits[t][$0] }) ?? true { best = x }
            if let best { wanted[best, default: []].append(t) }
        }
        for (expert, tokens) in wanted {
            let ordered = tokens.sorted { p[$0][expert] > p[$1][expert] || (p[$0][expert] == p[$1][expert] && $0 < $1) }
            let limit = config.irCapacity ?? Int.max
            for t in ordered.prefix(limit) { irTarget[t] = expert }
        }

        // FR
        var filledBy = [Bool](repeating: false, count: tokenCount)
        var filled = [[Int]](repeating: [Int](repeating: 0, count: e), count: g)
        for source in 0..<g {
            for expert in 0..<e where kept[source][expert] < c {
                let candidates = (source * n..<(source + 1) * n).filter { next[$0] == expert }
                    .sorted { p[$0][expert] > p[$1][expert] || (p[$0][expert] == p[$1][expert] && $0 < $1) }
                for t in candidates.prefix(c - kept[source][expert]) { filledBy[t] = true }
                filled[source][expert] = min(candidates.count, c - kept[source][expert])
            }
        }

        var expected = Expected(requested: requested, kept: kept, filled: filled,
                                irPerExpert: (0..<e).map { x in irTarget.filter { $0 == x }.count })
        for mode in RectifyMode.allCases {
            var expertLoad = [Int](repeating: 0, count: e)
            var expertIR = [Int](repeating: 0, count: e)
            var expertFilled = [Int](repeating: 0, count: e)
            var expertRecovered = [Int](repeating: 0, count: e)
            var cross = 0, covered = 0, recovered = 0, irTokens = 0, filledCount = 0
            for t in 0..<tokenCount {
                let source = t / n
                var computed = !keptBy[t].isEmpty
                for x in keptBy[t] {
                    expertLoad[x] += 1
                    if x / m != source { cross += 1 }
                }
                if mode.usesIR, let h = irTarget[t] {
                    expertLoad[h] += 1
                    expertIR[h] += 1
                    recovered += drops[t]
                    for x in topk[t] where !keptBy[t].contains(x) { expertRecovered[x] += 1 }
                    irTokens += 1
                    computed = true
                }
                if mode.usesFR, filledBy[t], let x = next[t] {
                    expertLoad[x] += 1
                    expertFilled[x] += 1
                    filledCount += 1
                    if x / m != source { cross += 1 }
                    computed = true
                }
                if computed { covered += 1 }
            }
            // Gate mass, straight from the definitions in the README's figures section.
            var gateMass = GateMass()
            for t in 0..<tokenCount {
                gateMass.requested += topk[t].reduce(0) { $0 + p[t][$1] }
                gateMass.kept += keptBy[t].reduce(0) { $0 + p[t][$1] }
                if mode.usesIR, let h = irTarget[t] {
                    gateMass.intraGPU += p[t][h]
                    gateMass.intraGPURanks.add(rank: (ranks[t].firstIndex(of: h) ?? -1) + 1)
                }
                if mode.usesFR, filledBy[t], let x = next[t] {
                    gateMass.fillIn += p[t][x]
                    gateMass.fillInRanks.add(rank: (ranks[t].firstIndex(of: x) ?? -1) + 1)
                }
            }
            let keptTotal = kept.joined().reduce(0, +)
            let gpuLoad = (0..<g).map { q in (q * m..<(q + 1) * m).reduce(0) { $0 + expertLoad[$1] } }
            let loadTotal = gpuLoad.reduce(0, +)
            let expertRequested = (0..<e).map { x in requested.reduce(0) { $0 + $1[x] } }
            let expertKept = (0..<e).map { x in kept.reduce(0) { $0 + $1[x] } }
            expected.figures[mode] = StepFigures(
                mode: mode, step: 0, capacity: c, requested: tokenCount * k, kept: keptTotal,
                dropped: tokenCount * k - keptTotal, recovered: recovered,
                unrecovered: tokenCount * k - keptTotal - recovered, irTokens: irTokens, filled: filledCount,
                slots: g * e * c, padding: g * e * c - keptTotal, residualPadding: g * e * c - keptTotal - filledCount,
                crossGPU: cross, coveredTokens: covered, tokens: tokenCount, gpuLoad: gpuLoad,
                imbalance: loadTotal == 0 ? nil : Double(gpuLoad.max() ?? 0) / (Double(loadTotal) / Double(g)),
                expertRequested: expertRequested, expertKept: expertKept,
                expertDropped: (0..<e).map { expertRequested[$0] - expertKept[$0] },
                expertFilled: expertFilled, expertIR: expertIR, expertLoad: expertLoad,
                expertRecovered: expertRecovered, gateMass: gateMass)
        }
        return expected
    }
}


/// Checks the engine's analysis of `logits` against the brute-force router: every matrix, array
/// and figure (imbalance to 1e-12, everything else exactly).
func expectMatchesBruteForce(_ analysis: StepAnalysis, config: RoutingConfig, logits: [Float], _ context: String,
                             sourceLocation: SourceLocation = #_sourceLocation) throws {
    let expected = BruteForceRouter(config: config, logits: logits).run()
    let flat = { (rows: [[Int]]) in rows.joined().map(Int32.init) }
    #expect(analysis.requestedPerGpuExpert == flat(expected.requested), "\(context)", sourceLocation: sourceLocation)
    #expect(analysis.keptPerGpuExpert == flat(expected.kept), "\(context)", sourceLocation: sourceLocation)
    #expect(analysis.filledPerGpuExpert == flat(expected.filled), "\(context)", sourceLocation: sourceLocation)
    #expect(analysis.irPerExpert.map(Int.init) == expected.irPerExpert, "\(context)", sourceLocation: sourceLocation)
    for mode in RectifyMode.allCases {
        var figures = try #require(analysis.figures(mode), sourceLocation: sourceLocation)
        var wanted = try #require(expected.figures[mode], sourceLocation: sourceLocation)
        #expect(abs((figures.imbalance ?? -1) - (wanted.imbalance ?? -1)) < 1e-12, "\(context) mode \(mode)",
                sourceLocation: sourceLocation)
        (figures.imbalance, wanted.imbalance) = (nil, nil)
        expectClose(figures.gateMass, wanted.gateMass, "\(context) mode \(mode)", sourceLocation: sourceLocation)
        (figures.gateMass, wanted.gateMass) = (GateMass(), GateMass())
        #expect(figures == wanted, "\(context) mode \(mode)", sourceLocation: sourceLocation)
    }
}

/// Gate masses equal: counts and rank sums exactly, masses to float32 rounding (the engine sums
/// float probabilities from its fast exponential).
func expectClose(_ actual: GateMass, _ wanted: GateMass, _ context: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-4 * max(1, abs(b)) }
    #expect(close(actual.requested, wanted.requested) && close(actual.kept, wanted.kept)
            && close(actual.intraGPU, wanted.intraGPU) && close(actual.fillIn, wanted.fillIn)
            && close(actual.outsideTopK, wanted.outsideTopK), "\(context): \(actual) vs \(wanted)",
            sourceLocation: sourceLocation)
    #expect(actual.intraGPURanks == wanted.intraGPURanks && actual.fillInRanks == wanted.fillInRanks,
            "\(context): \(actual) vs \(wanted)", sourceLocation: sourceLocation)
}
