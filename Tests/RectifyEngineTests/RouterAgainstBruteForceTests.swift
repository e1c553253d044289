import Testing
@testable import RectifyEngine

/// The optimised router against the brute-force one on many random small configurations.
@Suite struct RouterAgainstBruteForceTests {
    /// A small deterministic generator so failures reproduce.
    struct Dice {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int {
            range.lowerBound + Int(next() % UInt64(range.count))
        }
        mutating func float() -> Float { Float(next() >> 40) / Float(1 << 24) }
    }

    /// Small clusters by default; `wide` draws 16-48 experts and top-k up to 15, so the router's
    /// eight- and sixteen-lane bounds and its unaligned tails are all exercised.
    static func randomCase(seed: UInt64, wide: Bool = false) -> (RoutingConfig, [Float]) {
        var dice = Dice(state: seed)
        let gpus = wide ? [1, 2, 4][dice.int(0...2)] : dice.int(1...4)
        let experts = wide ? gpus * (dice.int(16...48) / gpus) : gpus * dice.int(1...4)
        let topK = wide ? dice.int(1...min(experts, 15)) : dice.int(1...min(experts, 4))
        let n = dice.int(1...24)
        let factors = [2_500, 5_000, 7_500, 10_000, 12_500, 15_000, 20_000, 30_000]
        var config = RoutingConfig(
            gpus: gpus, experts: experts, topK: topK, tokensPerGPU: n,
            capacityFactor: CapacityFactor(tenThousandths: factors[dice.int(0...factors.count - 1)]),
            minCapacity: dice.int(0...2),
            dropPolicy: DropPolicy.allCases[dice.int(0...2)])
        if dice.int(0...2) == 0 { config.irCapacityFactor = CapacityFactor(tenThousandths: dice.int(1...4) * 2_500) }
        // A skew per expert makes overflow common; spread keeps ties improbable.
        let skew = (0..<experts).map { _ in dice.float() * 3 }
        // Now and then each row starts with a logit far below the rest, so the router's fallback from
        // its cheap exponential shift (the row's first logit) to the row's peak is checked too.
        // (Only where that expert is never among a token's first k+1: its probability underflows
        // float32, and orderings by it would compare rounding, not routing.)
        let lowFirst = dice.int(0...5) == 0 && experts >= 8 && topK + 1 < experts
        let logits = (0..<(config.tokens * experts)).map { i in
            lowFirst && i % experts == 0 ? -100 : dice.float() * 4 + skew[i % experts]
        }
        return (config, logits)
    }

    @Test("every figure, array and matrix equal on random configurations", arguments: [false, true])
    func randomConfigurations(wide: Bool) throws {
        let router = Router(threads: 2)
        for seed in UInt64(1)...(wide ? 150 : 400) {
            let (config, logits) = Self.randomCase(seed: seed, wide: wide)
            let batch = RoutingBatch(step: 0, tokens: config.tokens, experts: config.experts, logits: logits)
            let analysis = try router.route(batch, config: config)
            try expectMatchesBruteForce(analysis, config: config, logits: logits, "seed \(seed) \(config)")
        }
    }

    @Test("one thread and many threads agree")
    func threadCounts() throws {
        for seed in UInt64(500)...540 {
            let (config, logits) = Self.randomCase(seed: seed)
            let batch = RoutingBatch(step: 0, tokens: config.tokens, experts: config.experts, logits: logits)
            let one = try Router(threads: 1).route(batch, config: config, keepTokenRouting: true)
            let many = try Router(threads: 7).route(batch, config: config, keepTokenRouting: true)
            for mode in RectifyMode.allCases { #expect(one.figures(mode) == many.figures(mode)) }
            #expect(one.tokenRouting == many.tokenRouting)
        }
    }

    @Test("invariants hold on every random configuration")
    func invariants() throws {
        let router = Router(threads: 2)
        for seed in UInt64(1000)...1200 {
            let (config, logits) = Self.randomCase(seed: seed)
            let batch = RoutingBatch(step: 0, tokens: config.tokens, experts: config.experts, logits: logits)
            let analysis = try router.route(batch, config: config)
            #expect(analysis.keptPerGpuExpert.allSatisfy { Int($0) <= config.capacity })
            for mode in RectifyMode.allCases {
                let f = try #require(analysis.figures(mode))
                #expect(f.kept + f.dropped == f.requested)
                #expect(f.recovered + f.unrecovered == f.dropped)
                #expect(f.filled <= f.padding)
                #expect(f.gpuLoad.reduce(0, +) == f.kept + f.filled + f.irTokens)
                #expect(f.expertLoad.reduce(0, +) == f.kept + f.filled + f.irTokens)
                #expect(f.coveredTokens <= f.tokens)
            }
        }
    }
}

/// Logits drawn from a handful of values, so ties are everywhere: the ranking must put the lower
/// expert index first and the policies the lower token index first, exactly as the spec says.
@Suite struct RouterTieTests {
    @Test("heavy ties: every vanilla and IR figure, and the fill counts, equal the brute force")
    func tiedLogits() throws {
        let router = Router(threads: 2)
        for seed in UInt64(2000)...2300 {
            var dice = RouterAgainstBruteForceTests.Dice(state: seed)
            let gpus = [1, 2, 4][dice.int(0...2)]
            let experts = gpus * dice.int(1...12)
            let topK = dice.int(1...min(experts, 8))
            var config = RoutingConfig(
                gpus: gpus, experts: experts, topK: topK, tokensPerGPU: dice.int(1...40),
                capacityFactor: CapacityFactor(tenThousandths: [5_000, 10_000, 15_000][dice.int(0...2)]),
                // Probability orderings compare rounding when values tie; position and choice do not.
                dropPolicy: dice.int(0...1) == 0 ? .position : .choice)
            config.minCapacity = dice.int(0...1)
            let levels: [Float] = [0, 0.5, 1, 2]
            let logits = (0..<(config.tokens * experts)).map { _ in levels[dice.int(0...3)] }
            let batch = RoutingBatch(step: 0, tokens: config.tokens, experts: experts, logits: logits)
            let analysis = try router.route(batch, config: config)
            let expected = BruteForceRouter(config: config, logits: logits).run()
            let flat = { (rows: [[Int]]) in rows.joined().map(Int32.init) }
            #expect(analysis.requestedPerGpuExpert == flat(expected.requested), "seed \(seed)")
            #expect(analysis.keptPerGpuExpert == flat(expected.kept), "seed \(seed)")
            #expect(analysis.filledPerGpuExpert == flat(expected.filled), "seed \(seed)")
            #expect(analysis.irPerExpert.map(Int.init) == expected.irPerExpert, "seed \(seed)")
            for mode in [RectifyMode.vanilla, .ir] {
                var figures = try #require(analysis.figures(mode))
                var wanted = try #require(expected.figures[mode])
                (figures.imbalance, wanted.imbalance) = (nil, nil)
                // Tied logits check the IR experts' ranks' tie rule (lower index first).
                expectClose(figures.gateMass, wanted.gateMass, "seed \(seed) mode \(mode)")
                (figures.gateMass, wanted.gateMass) = (GateMass(), GateMass())
                #expect(figures == wanted, "seed \(seed) mode \(mode) \(config)")
            }
        }
    }
}
