import Foundation
import Testing
@testable import RectifyEngine

/// Output fidelity: exact zeros when nothing is dropped, hand-checkable values with identical
/// experts, growth with drops, IR+FR against vanilla on the default workload, determinism.
@Suite("Output fidelity")
struct OutputFidelityTests {
    struct Measured {
        var step: StepFidelity
        var analysis: StepAnalysis
    }

    /// Routes `steps` synthetic batches every way and measures them.
    static func measure(config: RoutingConfig, parameters: SyntheticParameters = SyntheticParameters(),
                        options: FidelityOptions = FidelityOptions(), steps: Int = 1) throws -> (FidelityTotals, [Measured]) {
        let workload = try SyntheticWorkload(parameters: parameters, gpus: config.gpus, experts: config.experts,
                                             tokensPerGPU: config.tokensPerGPU, includeHidden: true, threads: 2)
        let fidelity = OutputFidelity(experts: config.experts, dimension: parameters.hiddenSize, options: options)
        let router = Router(threads: 2)
        var totals = FidelityTotals()
        var measured: [Measured] = []
        for _ in 0..<steps {
            let batch = try #require(try workload.nextBatch())
            let analysis = try router.route(batch, config: config, keepTokenRouting: true)
            let baselines = try BaselineRouter.routeAll(batch, config: config, keepAssignments: true, threads: 2)
            let step = try #require(fidelity.measure(batch: batch, config: config, analysis: analysis, baselines: baselines))
            totals.add(step)
            measured.append(Measured(step: step, analysis: analysis))
        }
        return (totals, measured)
    }

    static func small(_ factor: String) -> RoutingConfig {
        RoutingConfig(gpus: 4, experts: 16, topK: 2, tokensPerGPU: 64,
                      capacityFactor: CapacityFactor(parsing: factor) ?? CapacityFactor(tenThousandths: 10_000))
    }

    @Test("top-k reference, nothing dropped: vanilla, IR and dropless are exactly 0; FR's extra expert is not",
          arguments: GateNormalization.allCases)
    func zeroWithoutDrops(normalization: GateNormalization) throws {
        // C = ceil(64 * 2 * 8 / 16) = 64 = n: no (GPU, expert) pair can overflow.
        var config = Self.small("8")
        config.gateNormalization = normalization
        let (totals, measured) = try Self.measure(config: config, options: FidelityOptions(reference: .topk), steps: 2)
        for entry in measured {
            #expect(entry.analysis.figures(.vanilla)?.dropped == 0)
            #expect(entry.step.sampledTokens == 256)
            #expect(entry.step.relativeError(.rectify(.vanilla)) == 0)
            #expect(entry.step.relativeError(.rectify(.ir)) == 0)
            #expect(entry.step.relativeError(.baseline(.dropless)) == 0)
        }
        #expect(totals.steps == 2 && totals.scores[.rectify(.vanilla)]?.tokens == 512)
        #expect(totals.relativeError(.rectify(.vanilla)) == 0)
        #expect((totals.relativeError(.rectify(.fr)) ?? 0) > 0)
        #expect((totals.relativeError(.baseline(.expertChoice)) ?? 0) > 0)
    }

    @Test("error grows as the capacity factor falls and drops rise")
    func growsWithDrops() throws {
        var errors: [Double] = []
        var drops: [Int] = []
        for factor in ["2", "1", "0.5"] {
            let (totals, measured) = try Self.measure(config: Self.small(factor), steps: 2)
            errors.append(try #require(totals.relativeError(.rectify(.vanilla))))
            drops.append(measured.reduce(0) { $0 + ($1.analysis.figures(.vanilla)?.dropped ?? 0) })
        }
        #expect(drops[0] < drops[1] && drops[1] < drops[2])
        #expect(errors[0] < errors[1] && errors[1] < errors[2])
        #expect(errors[0] > 0)
    }

    /// The default preset's cluster and workload (8 GPUs x 8 experts, top-2, capacity factor 1),
    /// with fewer tokens per GPU to keep the test fast.
    static let defaultConfig = RoutingConfig(gpus: 8, experts: 64, topK: 2, tokensPerGPU: 512)

    @Test("top-k+1 reference (the default), nothing dropped and every token filled: FR is exactly the reference",
          arguments: GateNormalization.allCases)
    func fillInIsTheTopKPlusOneReference(normalization: GateNormalization) throws {
        // C = 128 > n: nothing overflows, and every pair's padding takes all its fill-in candidates.
        var config = Self.small("16")
        config.gateNormalization = normalization
        let (totals, measured) = try Self.measure(config: config, steps: 2)
        for entry in measured {
            #expect(entry.analysis.figures(.fr)?.filled == config.tokens)
            #expect((entry.step.relativeError(.rectify(.fr)) ?? 1) < 1e-12)
        }
        // Schemes without the (k+1)-th expert all miss it alike, dropless included.
        let vanilla = try #require(totals.relativeError(.rectify(.vanilla)))
        #expect(vanilla > 0 && totals.relativeError(.baseline(.dropless)) == vanilla)
    }

    @Test("top-k reference, default workload: IR+FR is closer to dropless than vanilla, IR closer still")
    func rectifyHelpsOnDefaultWorkload() throws {
        let (totals, _) = try Self.measure(config: Self.defaultConfig, options: FidelityOptions(reference: .topk), steps: 2)
        let vanilla = try #require(totals.relativeError(.rectify(.vanilla)))
        let ir = try #require(totals.relativeError(.rectify(.ir)))
        let irfr = try #require(totals.relativeError(.rectify(.irfr)))
        #expect(vanilla > 0)
        #expect(irfr <= vanilla)
        #expect(ir <= irfr)
        #expect(totals.relativeError(.baseline(.dropless)) == 0)
    }

    @Test("with unrelated experts (similarity 0) a substitute only adds error")
    func unrelatedExperts() throws {
        let (totals, _) = try Self.measure(config: Self.defaultConfig, options: FidelityOptions(expertSimilarity: 0))
        let vanilla = try #require(totals.relativeError(.rectify(.vanilla)))
        let ir = try #require(totals.relativeError(.rectify(.ir)))
        #expect(ir > vanilla)
    }

    @Test("deterministic by seed")
    func deterministic() throws {
        let config = Self.small("1")
        let a = try Self.measure(config: config, options: FidelityOptions(seed: 7), steps: 2).1.map(\.step)
        let b = try Self.measure(config: config, options: FidelityOptions(seed: 7), steps: 2).1.map(\.step)
        let c = try Self.measure(config: config, options: FidelityOptions(seed: 8), steps: 2).1.map(\.step)
        #expect(a == b)
        #expect(a.map { $0.relativeError(.rectify(.vanilla)) } != c.map { $0.relativeError(.rectify(.vanilla)) })
    }

    /// With similarity 1 every expert is the same function `f`, so a token's output is
    /// `(sum of its weights) * f(x)` and the error is the weight share it lost: hand-checkable.
    @Test("identical experts: the error is the lost weight share (worked example)")
    func identicalExperts() throws {
        let config = WorkedExampleTests.config(.score)
        var random = RandomStream(seed: 3)
        let hidden = HiddenStates(dimension: 3, values: (0..<24).map { _ in random.gaussian() })
        let batch = RoutingBatch(step: 0, tokens: 8, experts: 4, logits: WorkedExampleTests.logits, hidden: hidden)
        let analysis = try Router(threads: 1).route(batch, config: config, keepTokenRouting: true)
        let baselines = try BaselineRouter.routeAll(batch, config: config, keepAssignments: true)
        let fidelity = OutputFidelity(experts: 4, dimension: 3, options: FidelityOptions(sampleTokens: 8, expertSimilarity: 1))
        let step = try #require(fidelity.measure(batch: batch, config: config, analysis: analysis, baselines: baselines))
        #expect(step.sampledTokens == 8)
        let norms = hidden.values.withUnsafeBufferPointer { values in
            (0..<8).map { t -> Double in
                let f = fidelity.networks.output(expert: 0, input: UnsafeBufferPointer(rebasing: values[(t * 3)..<(t * 3 + 3)]))
                return f.reduce(0) { $0 + $1 * $1 }
            }
        }
        func expected(_ weightSums: [Double]) -> Double {
            let error = zip(weightSums, norms).reduce(0) { $0 + (1 - $1.0) * (1 - $1.0) * $1.1 }
            return (error / norms.reduce(0, +)).squareRoot()
        }
        let e = M_E
        // Vanilla: t1, t3, t4, t6 lose their only expert. IR recovers all four with weight 1.
        // FR: t1 gets e3 at e^2 / (e^2.5 + e^2), t6 gets e0 at e^2 / (e^3 + e^2); t3, t4 stay lost.
        // Expert-choice: the sum of p[t][e] over the experts that took the token.
        let cases: [(RoutingScheme, [Double])] = [
            (.rectify(.vanilla), [1, 0, 1, 0, 0, 1, 0, 1]),
            (.rectify(.ir), [1, 1, 1, 1, 1, 1, 1, 1]),
            (.rectify(.fr), [1, e * e / (pow(e, 2.5) + e * e), 1, 0, 0, 1, e * e / (e * e * e + e * e), 1]),
            (.rectify(.irfr), [1, 1, 1, 1, 1, 1, 1, 1]),
            (.baseline(.dropless), [1, 1, 1, 1, 1, 1, 1, 1]),
            (.baseline(.expertChoice), [0.643914, 0.332540, 0.158435 + 0.710098, 0, 0, 0.675608, 0.236883, 0.643914 + 0.236883]),
        ]
        for (scheme, sums) in cases {
            let measured = try #require(step.relativeError(scheme))
            #expect(abs(measured - expected(sums)) < 1e-5, "\(scheme): \(measured) vs \(expected(sums))")
        }
    }

    @Test("no hidden states (a trace), or another width: nil")
    func withoutHiddenStates() throws {
        let config = WorkedExampleTests.config(.score)
        let batch = RoutingBatch(step: 0, tokens: 8, experts: 4, logits: WorkedExampleTests.logits)
        let analysis = try Router(threads: 1).route(batch, config: config, keepTokenRouting: true)
        let fidelity = OutputFidelity(experts: 4, dimension: 3)
        #expect(fidelity.measure(batch: batch, config: config, analysis: analysis) == nil)
        var wide = batch
        wide.hidden = HiddenStates(dimension: 5, values: [Float](repeating: 1, count: 40))
        #expect(fidelity.measure(batch: wide, config: config, analysis: analysis) == nil)
    }

    @Test("modes need token routing, baselines their assignments; the rest is left out")
    func partialInputs() throws {
        let config = WorkedExampleTests.config(.score)
        let hidden = HiddenStates(dimension: 3, values: (0..<24).map { Float($0 % 5) - 2 })
        let batch = RoutingBatch(step: 0, tokens: 8, experts: 4, logits: WorkedExampleTests.logits, hidden: hidden)
        let analysis = try Router(threads: 1).route(batch, config: config, modes: [.vanilla, .ir])
        let dropless = try BaselineRouter.route(batch, config: config, mode: .dropless)
        let choice = try BaselineRouter.route(batch, config: config, mode: .expertChoice, keepAssignments: true)
        let fidelity = OutputFidelity(experts: 4, dimension: 3)
        let step = try #require(fidelity.measure(batch: batch, config: config, analysis: analysis, baselines: [dropless, choice]))
        #expect(Set(step.scores.keys) == [.baseline(.expertChoice)])
        let routed = try Router(threads: 1).route(batch, config: config, modes: [.vanilla, .ir], keepTokenRouting: true)
        let both = try #require(fidelity.measure(batch: batch, config: config, analysis: routed))
        #expect(Set(both.scores.keys) == [.rectify(.vanilla), .rectify(.ir)])
    }

    @Test("the sample: stratified, distinct, seeded per step, everything when small")
    func sample() {
        let fidelity = OutputFidelity(experts: 4, dimension: 2, options: FidelityOptions(sampleTokens: 100))
        let tokens = fidelity.sample(tokens: 1_000, step: 4)
        #expect(tokens.count == 100 && Set(tokens).count == 100)
        #expect(tokens.enumerated().allSatisfy { $0.element / 10 == $0.offset })
        #expect(tokens == fidelity.sample(tokens: 1_000, step: 4))
        #expect(Set((0..<12).map { fidelity.sample(tokens: 1_000, step: $0)[0] }).count > 3)
        #expect(fidelity.sample(tokens: 60, step: 0) == Array(0..<60))
    }

    @Test("expert networks: seeded, and similarity 1 makes every expert the same")
    func networks() {
        let input: [Float] = [0.5, -1, 2]
        input.withUnsafeBufferPointer { x in
            let a = ExpertNetworks(experts: 3, dimension: 3, similarity: 0.6, seed: 1)
            let b = ExpertNetworks(experts: 3, dimension: 3, similarity: 0.6, seed: 1)
            let c = ExpertNetworks(experts: 3, dimension: 3, similarity: 0.6, seed: 2)
            #expect(a.output(expert: 1, input: x) == b.output(expert: 1, input: x))
            #expect(a.output(expert: 1, input: x) != c.output(expert: 1, input: x))
            #expect(a.output(expert: 0, input: x) != a.output(expert: 1, input: x))
            let same = ExpertNetworks(experts: 3, dimension: 3, similarity: 1, seed: 1)
            #expect(same.output(expert: 0, input: x) == same.output(expert: 2, input: x))
            #expect(a.width == 12)
        }
        #expect(throws: ConfigError.self) { try FidelityOptions(expertSimilarity: 1.5).validate() }
    }
}
