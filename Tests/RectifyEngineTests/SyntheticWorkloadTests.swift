import Testing
@testable import RectifyEngine

/// The seeded synthetic generator: reproducibility, bursts, hidden states, parameter checks and
/// the calibration its documentation promises.
@Suite("Synthetic workload")
struct SyntheticWorkloadTests {
    static func workload(_ parameters: SyntheticParameters = SyntheticParameters(), gpus: Int = 4, experts: Int = 16,
                         tokensPerGPU: Int = 64, includeHidden: Bool = false, threads: Int = 2) throws -> SyntheticWorkload {
        try SyntheticWorkload(parameters: parameters, gpus: gpus, experts: experts, tokensPerGPU: tokensPerGPU,
                              includeHidden: includeHidden, threads: threads)
    }

    static func batches(_ source: SyntheticWorkload, count: Int) throws -> [RoutingBatch] {
        try (0..<count).map { _ in try #require(try source.nextBatch()) }
    }

    static func parameters(seed: UInt64) -> SyntheticParameters {
        var p = SyntheticParameters()
        p.seed = seed
        return p
    }

    @Test("the same seed gives the same logits, step for step")
    func sameSeed() throws {
        let a = try Self.batches(Self.workload(Self.parameters(seed: 42)), count: 3)
        let b = try Self.batches(Self.workload(Self.parameters(seed: 42)), count: 3)
        for step in 0..<3 {
            #expect(a[step].step == step)
            #expect(a[step].tokens == 4 * 64 && a[step].experts == 16)
            #expect(a[step].logits.count == 4 * 64 * 16)
            #expect(a[step].logits.allSatisfy { $0.isFinite })
            #expect(a[step].logits == b[step].logits, "step \(step)")
        }
        // Drift and fresh token draws: consecutive steps differ.
        #expect(a[0].logits != a[1].logits)
        #expect(a[1].logits != a[2].logits)
    }

    @Test("a different seed gives different logits")
    func differentSeed() throws {
        let a = try Self.batches(Self.workload(Self.parameters(seed: 1)), count: 3)
        let b = try Self.batches(Self.workload(Self.parameters(seed: 2)), count: 3)
        for step in 0..<3 {
            #expect(a[step].logits != b[step].logits, "step \(step)")
        }
    }

    @Test("rewind starts the stream again identically")
    func rewind() throws {
        var p = SyntheticParameters()
        p.burstEvery = 3
        p.burstLength = 1
        p.burstBoost = 2
        let source = try Self.workload(p)
        let first = try Self.batches(source, count: 4)
        source.rewind()
        let again = try Self.batches(source, count: 4)
        for step in 0..<4 {
            #expect(again[step].step == step)
            #expect(again[step].logits == first[step].logits, "step \(step)")
        }
    }

    @Test("the number of threads does not change the batches", arguments: [(4, 16, 64), (3, 12, 50), (8, 64, 33)])
    func threadCount(gpus: Int, experts: Int, tokensPerGPU: Int) throws {
        let one = try Self.workload(gpus: gpus, experts: experts, tokensPerGPU: tokensPerGPU, includeHidden: true, threads: 1)
        let three = try Self.workload(gpus: gpus, experts: experts, tokensPerGPU: tokensPerGPU, includeHidden: true, threads: 3)
        #expect(one.threads == 1 && three.threads == 3)
        for step in 0..<3 {
            let a = try #require(try one.nextBatch())
            let b = try #require(try three.nextBatch())
            #expect(a.logits == b.logits, "step \(step)")
            #expect(a.hidden == b.hidden, "step \(step)")
        }
    }

    @Test("includeHidden gives tokens x hiddenSize values and leaves the logits alone")
    func hiddenStates() throws {
        var p = SyntheticParameters()
        p.hiddenSize = 24
        let with = try Self.workload(p, gpus: 2, experts: 8, tokensPerGPU: 10, includeHidden: true)
        let without = try Self.workload(p, gpus: 2, experts: 8, tokensPerGPU: 10, includeHidden: false)
        for _ in 0..<2 {
            let a = try #require(try with.nextBatch())
            let b = try #require(try without.nextBatch())
            let hidden = try #require(a.hidden)
            #expect(hidden.dimension == 24)
            #expect(hidden.values.count == 20 * 24)
            #expect(hidden.values.allSatisfy { $0.isFinite })
            #expect(hidden.values.contains { $0 != 0 })
            #expect(b.hidden == nil)
            #expect(a.logits == b.logits)
        }
    }

    @Test("hidden states switched on and off through BatchSource, with no downcast")
    func hiddenStatesThroughProtocol() throws {
        let source: any BatchSource = try Self.workload(gpus: 2, experts: 8, tokensPerGPU: 10, includeHidden: false)
        #expect(try #require(try source.nextBatch()).hidden == nil)
        source.includeHiddenStates(true)
        #expect(try #require(try source.nextBatch()).hidden != nil)
        source.includeHiddenStates(false)
        #expect(try #require(try source.nextBatch()).hidden == nil)
    }

    @Test("bursts: a hot expert exactly in the burst windows, and its requests jump")
    func bursts() throws {
        var p = SyntheticParameters()
        p.burstEvery = 6
        p.burstLength = 2
        p.burstBoost = 2.5
        let config = RoutingConfig(gpus: 4, experts: 16, topK: 2, tokensPerGPU: 256)
        let source = try Self.workload(p, gpus: config.gpus, experts: config.experts, tokensPerGPU: config.tokensPerGPU)
        let inBurst: Set<Int> = [0, 1, 6, 7, 12, 13]
        for step in 0..<18 {
            let hot = source.hotExpert(atStep: step)
            #expect((hot != nil) == inBurst.contains(step), "step \(step)")
            if let hot { #expect((0..<16).contains(hot)) }
        }
        // One expert per window, the same on every step of the window and from every instance.
        #expect(source.hotExpert(atStep: 0) == source.hotExpert(atStep: 1))
        #expect(source.hotExpert(atStep: 6) == source.hotExpert(atStep: 7))
        #expect(try Self.workload(p, gpus: 4, experts: 16, tokensPerGPU: 256).hotExpert(atStep: 6) == source.hotExpert(atStep: 6))
        // No bursts configured: never hot.
        let calm = try Self.workload(gpus: 4, experts: 16, tokensPerGPU: 256)
        #expect((0..<18).allSatisfy { calm.hotExpert(atStep: $0) == nil })

        let router = Router(threads: 2)
        var requests: [[Int]] = []
        for _ in 0..<14 {
            let batch = try #require(try source.nextBatch())
            requests.append(try #require(try router.route(batch, config: config, modes: [.vanilla]).figures(.vanilla)).expertRequested)
        }
        for (burstStep, calmStep) in [(0, 2), (1, 3), (6, 8), (7, 9), (12, 4), (13, 5)] {
            let hot = try #require(source.hotExpert(atStep: burstStep))
            let during = requests[burstStep][hot]
            let after = requests[calmStep][hot]
            let mean = Double(config.tokens * config.topK) / Double(config.experts)
            #expect(during == requests[burstStep].max(), "the hot expert \(hot) is the busiest at step \(burstStep)")
            #expect(Double(during) > 2 * mean, "step \(burstStep): expert \(hot) asked \(during) times, mean \(mean)")
            #expect(during > 2 * after, "expert \(hot): \(during) requests at step \(burstStep), \(after) at step \(calmStep)")
        }
    }

    /// One knob set out of range, and the key the error must name.
    static func invalid(_ key: String, _ change: (inout SyntheticParameters) -> Void) -> (String, SyntheticParameters) {
        var p = SyntheticParameters()
        change(&p)
        return (key, p)
    }

    static let invalidCases: [(String, SyntheticParameters)] = [
        invalid("hiddenSize") { $0.hiddenSize = 0 },
        invalid("hiddenSize") { $0.hiddenSize = 1025 },
        invalid("topics") { $0.topics = 0 },
        invalid("topicSpread") { $0.topicSpread = -0.5 },
        invalid("tokenNoise") { $0.tokenNoise = 101 },
        invalid("shardSpecialization") { $0.shardSpecialization = 1.5 },
        invalid("popularitySkew") { $0.popularitySkew = -1 },
        invalid("temperature") { $0.temperature = 0 },
        invalid("temperature") { $0.temperature = .nan },
        invalid("drift") { $0.drift = 11 },
        invalid("burstBoost") { $0.burstBoost = -2 },
        invalid("burstEvery") { $0.burstEvery = -1 },
        invalid("burstLength") { $0.burstEvery = 5; $0.burstLength = 6 },
        invalid("burstLength") { $0.burstLength = -1 },
    ]

    @Test("invalid parameters name their synthetic.<key>", arguments: invalidCases)
    func invalidParameters(key: String, parameters: SyntheticParameters) {
        do {
            try parameters.validate()
            Issue.record("synthetic.\(key) should be rejected")
        } catch {
            #expect(error.key == "synthetic." + key)
            #expect(error.description.hasPrefix("invalid synthetic.\(key) "), "\(error)")
            #expect(error.description.contains("expected"), "\(error)")
        }
        do {
            _ = try SyntheticWorkload(parameters: parameters, gpus: 2, experts: 4, tokensPerGPU: 4)
            Issue.record("the generator should refuse synthetic.\(key)")
        } catch {
            #expect(error.message.contains("synthetic.\(key)"), "\(error)")
        }
    }

    @Test("the default parameters validate")
    func defaultsValidate() throws {
        try SyntheticParameters().validate()
    }

    /// Spec section 7 figures on the default preset's cluster with the default knobs.
    static func calibrationRun(topK: Int, steps: Int) throws -> [StepFigures] {
        let config = RoutingConfig(gpus: 8, experts: 64, topK: topK, tokensPerGPU: 4096)
        let source = try workload(SyntheticParameters(), gpus: 8, experts: 64, tokensPerGPU: 4096)
        let router = Router(threads: 2)
        return try (0..<steps).map { _ in
            let batch = try #require(try source.nextBatch())
            return try #require(try router.route(batch, config: config, modes: [.vanilla]).figures(.vanilla))
        }
    }

    @Test("calibration: default knobs, top-1, capacity factor 1.0 drop 5-20% of assignments under vanilla")
    func calibrationTop1() throws {
        let steps = try Self.calibrationRun(topK: 1, steps: 5)
        let requested = steps.map(\.requested).reduce(0, +)
        let dropped = steps.map(\.dropped).reduce(0, +)
        let rate = Double(dropped) / Double(requested)
        #expect(rate >= 0.05 && rate <= 0.20, "vanilla top-1 drop rate \(rate) (per step: \(steps.map { $0.dropRate ?? 0 }))")
    }

    @Test("calibration: default knobs, top-2 busiest/mean expert requests between 1.3 and 2.0 on average")
    func calibrationTop2Skew() throws {
        let steps = try Self.calibrationRun(topK: 2, steps: 5)
        let ratios = steps.map { f in
            Double(f.expertRequested.max() ?? 0) * Double(f.expertRequested.count) / Double(f.expertRequested.reduce(0, +))
        }
        let mean = ratios.reduce(0, +) / Double(ratios.count)
        #expect(mean >= 1.3 && mean <= 2.0, "busiest/mean per step: \(ratios)")
    }
}
