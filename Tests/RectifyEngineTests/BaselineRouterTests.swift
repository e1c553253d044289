import Foundation
import Testing
@testable import RectifyEngine

/// Dropless and expert-choice baselines: the spec section 8 batch worked by hand, tie rules,
/// `C > n`, and invariants against plain sorting on random batches.
@Suite("Baseline routers")
struct BaselineRouterTests {
    static let logits = WorkedExampleTests.logits

    static func config(_ factor: String = "1", normalization: GateNormalization = .topk) -> RoutingConfig {
        RoutingConfig(gpus: 2, experts: 4, topK: 1, tokensPerGPU: 4,
                      capacityFactor: CapacityFactor(parsing: factor) ?? CapacityFactor(tenThousandths: 10_000),
                      gateNormalization: normalization)
    }

    static func route(_ mode: BaselineMode, config: RoutingConfig = config(), logits: [Float] = logits,
                      threads: Int = 2) throws -> BaselineStep {
        let batch = RoutingBatch(step: 3, tokens: config.tokens, experts: config.experts, logits: logits)
        return try BaselineRouter.route(batch, config: config, mode: mode, keepAssignments: true, threads: threads)
    }

    /// `p[t][e]` in double precision, as the spec defines it.
    static func probability(_ logits: [Float], experts: Int, token t: Int, expert x: Int) -> Double {
        let row = (0..<experts).map { Double(logits[t * experts + $0]) }
        let peak = row.max() ?? 0
        return exp(row[x] - peak) / row.reduce(0) { $0 + exp($1 - peak) }
    }

    @Test("dropless on the worked example: every top-1 computed, load [3, 5]")
    func droplessWorkedExample() throws {
        let step = try Self.route(.dropless)
        let f = step.figures
        #expect(f.scheme == .baseline(.dropless) && f.step == 3)
        #expect(f.capacity == nil && f.slots == nil)
        #expect(f.requested == 8 && f.kept == 8 && f.dropped == 0 && f.unrecovered == 0)
        #expect(f.recovered == nil && f.irTokens == nil && f.filled == nil)
        #expect(f.padding == 0 && f.residualPadding == 0)
        // t2, t3 (GPU 0) go to e2 and t7 (GPU 1) to e1.
        #expect(f.crossGPU == 3)
        #expect(f.coveredTokens == 8 && f.tokens == 8)
        #expect(f.expertLoad == [2, 1, 2, 3] && f.expertKept == [2, 1, 2, 3] && f.expertRequested == [2, 1, 2, 3])
        #expect(f.expertDropped == [0, 0, 0, 0] && f.expertFilled == nil && f.expertIR == nil)
        #expect(f.gpuLoad == [3, 5])
        #expect(f.imbalance == 1.25)
        #expect(f.dropRate == 0 && f.paddingRate == 0 && f.coverageRate == 1)
        #expect(step.assignedPerGpuExpert == [2, 0, 2, 0, 0, 1, 0, 3])
        let assignments = try #require(step.assignments)
        #expect((0..<8).map { assignments.terms(of: $0).map(\.expert) } == [[0], [0], [2], [2], [3], [3], [3], [1]])
        #expect((0..<8).allSatisfy { assignments.terms(of: $0).map(\.weight) == [1] })
    }

    @Test("dropless weights are p[t][j] under softmax normalization")
    func droplessSoftmaxWeights() throws {
        let step = try Self.route(.dropless, config: Self.config(normalization: .softmax))
        let assignments = try #require(step.assignments)
        #expect(abs(assignments.terms(of: 0)[0].weight - 0.64391) < 1e-5)
        #expect(abs(assignments.terms(of: 5)[0].weight - 0.67561) < 1e-5)
    }

    @Test("expert-choice on the worked example: each (GPU, expert) takes its best token")
    func expertChoiceWorkedExample() throws {
        let step = try Self.route(.expertChoice)
        let f = step.figures
        #expect(f.scheme == .baseline(.expertChoice))
        #expect(f.capacity == 1 && f.slots == 8 && f.kept == 8 && f.padding == 0 && f.residualPadding == 0)
        #expect(f.requested == nil && f.dropped == nil && f.unrecovered == nil)
        #expect(f.recovered == nil && f.irTokens == nil && f.filled == nil)
        #expect(f.expertRequested == nil && f.expertDropped == nil && f.expertFilled == nil && f.expertIR == nil)
        // GPU 0: e0 takes t0, e1 and e2 take t2, e3 takes t1 (p 0.333 beats t3's 0.317); t3 is left out.
        // GPU 1: e0 takes t6, e1 and e2 take t7, e3 takes t5; t4 is left out.
        let assignments = try #require(step.assignments)
        #expect((0..<8).map { assignments.terms(of: $0).map(\.expert) } == [[0], [3], [1, 2], [], [], [3], [0], [1, 2]])
        #expect(f.coveredTokens == 6)
        // Remote: t1 -> e3, t2 -> e2, t6 -> e0, t7 -> e1.
        #expect(f.crossGPU == 4)
        #expect(f.expertLoad == [2, 2, 2, 2] && f.expertKept == [2, 2, 2, 2])
        #expect(f.gpuLoad == [4, 4] && f.imbalance == 1)
        #expect(f.dropRate == nil && f.paddingRate == 0 && f.coverageRate == 0.75)
        #expect(step.assignedPerGpuExpert == [1, 1, 1, 1, 1, 1, 1, 1])
        // Weights are the unnormalised scores p[t][e].
        let t2 = assignments.terms(of: 2).map(\.weight)
        #expect(abs(t2[0] - 0.15844) < 1e-5 && abs(t2[1] - 0.71010) < 1e-5)
        #expect(abs(assignments.terms(of: 1)[0].weight - 0.33254) < 1e-5)
    }

    @Test("expert-choice with C > n: every expert takes every token, the rest is padding")
    func expertChoiceLargeCapacity() throws {
        let config = Self.config("8")
        #expect(config.capacity == 8)
        let step = try Self.route(.expertChoice, config: config)
        let f = step.figures
        #expect(f.kept == 32 && f.slots == 64 && f.padding == 32 && f.residualPadding == 32)
        #expect(f.paddingRate == 0.5)
        #expect(f.coveredTokens == 8 && f.gpuLoad == [16, 16] && f.crossGPU == 16)
        let assignments = try #require(step.assignments)
        for t in 0..<8 {
            let terms = assignments.terms(of: t)
            #expect(terms.map(\.expert) == [0, 1, 2, 3])
            #expect(abs(terms.reduce(0) { $0 + $1.weight } - 1) < 1e-12)
        }
    }

    @Test("ties: dropless takes the lower expert, expert-choice the lower token")
    func ties() throws {
        let config = RoutingConfig(gpus: 1, experts: 2, topK: 1, tokensPerGPU: 4)
        #expect(config.capacity == 2)
        let flat = [Float](repeating: 0.5, count: 8)
        let dropless = try #require(try Self.route(.dropless, config: config, logits: flat).assignments)
        #expect((0..<4).map { dropless.terms(of: $0).map(\.expert) } == [[0], [0], [0], [0]])
        let choice = try Self.route(.expertChoice, config: config, logits: flat)
        let assignments = try #require(choice.assignments)
        #expect((0..<4).map { assignments.terms(of: $0).map(\.expert) } == [[0, 1], [0, 1], [], []])
        #expect(choice.figures.coveredTokens == 2)
        // A large column of equal scores stays fast and still takes the lowest token indices.
        let wide = RoutingConfig(gpus: 1, experts: 4, topK: 1, tokensPerGPU: 4_096)
        let same = try Self.route(.expertChoice, config: wide, logits: [Float](repeating: 1, count: 4 * 4_096))
        #expect(same.figures.coveredTokens == wide.capacity && wide.capacity == 1_024)
        let sameTerms = try #require(same.assignments)
        #expect(sameTerms.terms(of: 1_023).count == 4 && sameTerms.terms(of: 1_024).isEmpty)
    }

    @Test("the order statistic matches sorting, duplicates included")
    func selection() {
        var random = RandomStream(seed: 5)
        for size in [1, 2, 3, 7, 50, 301] {
            let values = (0..<size).map { _ in Double(random.index(below: 6)) }
            let sorted = values.sorted(by: >)
            for rank in 1...size {
                var copy = values
                #expect(PartialSelection.largest(&copy, rank: rank) == sorted[rank - 1])
            }
        }
    }

    @Test("the router's checks apply: invalid settings and shape mismatches throw")
    func errors() {
        var bad = Self.config()
        bad.experts = 3
        let batch = RoutingBatch(step: 0, tokens: 8, experts: 4, logits: Self.logits)
        #expect(throws: RoutingError.self) { try BaselineRouter.route(batch, config: bad, mode: .dropless) }
        let wrongShape = RoutingConfig(gpus: 2, experts: 4, topK: 1, tokensPerGPU: 3)
        #expect(throws: RoutingError.self) { try BaselineRouter.route(batch, config: wrongShape, mode: .expertChoice) }
    }

    @Test("labels: modes and schemes round-trip as users type them")
    func labels() {
        #expect(BaselineMode.expertChoice.rawValue == "expert-choice" && BaselineMode.dropless.label == "dropless")
        #expect(RoutingScheme.allCases.map(\.label) == ["vanilla", "ir", "fr", "ir+fr", "dropless", "expert-choice"])
        for scheme in RoutingScheme.allCases { #expect(RoutingScheme(label: scheme.label) == scheme) }
        #expect(RoutingScheme(label: "topk") == nil)
    }

    /// Random batches with a per-expert skew, so demand is uneven.
    static func randomCase(seed: UInt64) -> (RoutingConfig, [Float]) {
        var random = RandomStream(seed: seed, 99)
        let gpus = 1 + random.index(below: 4)
        let experts = gpus * (1 + random.index(below: 4))
        let topK = 1 + random.index(below: min(experts, 3))
        let n = 1 + random.index(below: 20)
        let factors = [2_500, 5_000, 10_000, 15_000, 30_000]
        let config = RoutingConfig(gpus: gpus, experts: experts, topK: topK, tokensPerGPU: n,
                                   capacityFactor: CapacityFactor(tenThousandths: factors[random.index(below: factors.count)]),
                                   minCapacity: random.index(below: 2))
        let skew = (0..<experts).map { _ in random.uniform() * 3 }
        let logits = (0..<(config.tokens * experts)).map { random.uniform() * 4 + skew[$0 % experts] }
        return (config, logits)
    }

    @Test("dropless matches plain sorting and the router's requests on random batches")
    func droplessInvariants() throws {
        let router = Router(threads: 2)
        for seed in UInt64(1)...120 {
            let (config, logits) = Self.randomCase(seed: seed)
            let batch = RoutingBatch(step: 0, tokens: config.tokens, experts: config.experts, logits: logits)
            let step = try BaselineRouter.route(batch, config: config, mode: .dropless, keepAssignments: true, threads: 3)
            let f = step.figures
            let assignments = try #require(step.assignments)
            var cross = 0
            var mass = 0.0
            for t in 0..<config.tokens {
                let expected = (0..<config.experts).sorted {
                    logits[t * config.experts + $0] > logits[t * config.experts + $1]
                        || (logits[t * config.experts + $0] == logits[t * config.experts + $1] && $0 < $1)
                }.prefix(config.topK)
                let terms = assignments.terms(of: t)
                #expect(terms.map(\.expert) == Array(expected), "seed \(seed) token \(t)")
                #expect(abs(terms.reduce(0) { $0 + $1.weight } - 1) < 1e-12)
                cross += expected.filter { config.owner(ofExpert: $0) != config.source(ofToken: t) }.count
                mass += expected.reduce(0) { $0 + Self.probability(logits, experts: config.experts, token: t, expert: $1) }
            }
            // Dropless computes all the top-k mass, with no substitutes.
            expectClose(f.gateMass, GateMass(requested: mass, kept: mass), "seed \(seed)")
            #expect(f.gateMass.intendedShare.map { abs($0 - 1) < 1e-12 } == true)
            #expect(f.crossGPU == cross)
            #expect(f.kept == config.tokens * config.topK && f.gpuLoad.reduce(0, +) == f.kept)
            #expect(f.coveredTokens == config.tokens)
            // Dropless computes exactly what vanilla was asked for.
            let analysis = try router.route(batch, config: config, modes: [.vanilla])
            #expect(step.assignedPerGpuExpert == analysis.requestedPerGpuExpert, "seed \(seed)")
            #expect(f.expertLoad == analysis.expertRequested)
            let unthreaded = try BaselineRouter.route(batch, config: config, mode: .dropless, threads: 1)
            #expect(unthreaded.figures == f && unthreaded.assignments == nil)
        }
    }

    @Test("expert-choice matches plain sorting per (GPU, expert) on random batches")
    func expertChoiceInvariants() throws {
        for seed in UInt64(1)...120 {
            let (config, logits) = Self.randomCase(seed: seed)
            let batch = RoutingBatch(step: 0, tokens: config.tokens, experts: config.experts, logits: logits)
            let step = try BaselineRouter.route(batch, config: config, mode: .expertChoice, keepAssignments: true, threads: 3)
            let f = step.figures
            let assignments = try #require(step.assignments)
            let n = config.tokensPerGPU
            let taken = min(n, config.capacity)
            let table = (0..<config.tokens).map { t in
                (0..<config.experts).map { Self.probability(logits, experts: config.experts, token: t, expert: $0) }
            }
            var chosenBy = [[Int]](repeating: [], count: config.tokens)
            for g in 0..<config.gpus {
                for x in 0..<config.experts {
                    let p = { (t: Int) in table[t][x] }
                    let winners = (g * n..<(g + 1) * n).sorted { p($0) > p($1) || (p($0) == p($1) && $0 < $1) }.prefix(taken)
                    for t in winners { chosenBy[t].append(x) }
                    #expect(step.assignedPerGpuExpert[g * config.experts + x] == Int32(taken))
                }
            }
            var mass = GateMass()
            for t in 0..<config.tokens {
                let top = (0..<config.experts).sorted { table[t][$0] > table[t][$1] || (table[t][$0] == table[t][$1] && $0 < $1) }
                    .prefix(config.topK)
                mass.requested += top.reduce(0) { $0 + table[t][$1] }
                for x in chosenBy[t] {
                    if top.contains(x) { mass.kept += table[t][x] } else { mass.outsideTopK += table[t][x] }
                }
                let terms = assignments.terms(of: t)
                #expect(terms.map(\.expert) == chosenBy[t].sorted(), "seed \(seed) token \(t)")
                for term in terms { #expect(abs(term.weight - table[t][term.expert]) < 1e-9) }
            }
            expectClose(f.gateMass, mass, "seed \(seed)")
            #expect(f.coveredTokens == chosenBy.filter { !$0.isEmpty }.count)
            #expect(f.expertLoad.allSatisfy { $0 == config.gpus * taken })
            #expect(f.imbalance == (taken > 0 ? 1 : nil))
            #expect(f.kept == config.gpus * config.experts * taken && f.slots == config.slots)
            #expect(f.padding == config.slots - f.kept)
            let unthreaded = try BaselineRouter.route(batch, config: config, mode: .expertChoice, threads: 1)
            #expect(unthreaded.figures == f && unthreaded.assignedPerGpuExpert == step.assignedPerGpuExpert)
        }
    }

    @Test("run totals add counts and keep nil figures nil")
    func totals() throws {
        var dropless = SchemeTotals(.baseline(.dropless))
        var choice = SchemeTotals(.baseline(.expertChoice))
        for _ in 0..<2 {
            dropless.add(try Self.route(.dropless).figures)
            choice.add(try Self.route(.expertChoice).figures)
        }
        #expect(dropless.steps == 2 && dropless.requested == 16 && dropless.kept == 16 && dropless.dropped == 0)
        #expect(dropless.slots == nil && dropless.capacity == nil && dropless.recovered == nil && dropless.filled == nil)
        #expect(dropless.padding == 0 && dropless.paddingRate == 0 && dropless.dropRate == 0)
        #expect(dropless.gpuLoad == [6, 10] && dropless.imbalance == 1.25 && dropless.crossGPU == 6)
        #expect(choice.capacity == 1 && choice.slots == 16 && choice.kept == 16 && choice.requested == nil)
        #expect(choice.dropRate == nil && choice.paddingRate == 0 && choice.coverageRate == 0.75)
        #expect(choice.expertLoad == [4, 4, 4, 4] && choice.imbalance == 1)
    }
}
