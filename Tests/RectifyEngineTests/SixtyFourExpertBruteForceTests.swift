import Testing
@testable import RectifyEngine

/// Rows of exactly 64 experts take the lane scan's constant-count exponential loop; the random
/// configurations elsewhere draw at most 48 experts, so this checks that path against the brute force.
@Suite struct SixtyFourExpertBruteForceTests {
    @Test("64 experts, top-1 to top-7: every figure, array and matrix equal the brute force")
    func sixtyFourExperts() throws {
        let router = Router(threads: 2)
        for seed in UInt64(4000)...4060 {
            var dice = RouterAgainstBruteForceTests.Dice(state: seed)
            let gpus = [1, 2, 4, 8][dice.int(0...3)]
            var config = RoutingConfig(
                gpus: gpus, experts: 64, topK: dice.int(1...7), tokensPerGPU: dice.int(1...20),
                capacityFactor: CapacityFactor(tenThousandths: [5_000, 10_000, 15_000][dice.int(0...2)]),
                dropPolicy: DropPolicy.allCases[dice.int(0...2)])
            if dice.int(0...2) == 0 { config.irCapacityFactor = CapacityFactor(tenThousandths: 5_000) }
            let skew = (0..<64).map { _ in dice.float() * 3 }
            let logits = (0..<(config.tokens * 64)).map { i in dice.float() * 4 + skew[i % 64] }
            let batch = RoutingBatch(step: 0, tokens: config.tokens, experts: 64, logits: logits)
            let analysis = try router.route(batch, config: config)
            try expectMatchesBruteForce(analysis, config: config, logits: logits, "seed \(seed) \(config)")
        }
    }
}
