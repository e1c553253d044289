import Testing
@testable import RectifyEngine

/// Rows where some logit lies far below the row's first one (more than the exponential's range):
/// the lane scan takes its exponentials unclamped and must notice and redo such rows.
@Suite struct FarBelowLogitBruteForceTests {
    @Test("a logit far below the first one, anywhere in the row: every figure equals the brute force")
    func farBelowLogits() throws {
        let router = Router(threads: 2)
        var checked = 0
        for seed in UInt64(3000)...3150 {
            let (config, base) = RouterAgainstBruteForceTests.randomCase(seed: seed, wide: true)
            let e = config.experts
            // Only where that expert is never among a token's first k+1 (see `randomCase`).
            guard e >= 8, config.topK + 1 < e else { continue }
            var logits = base
            for t in 0..<config.tokens {
                // Spread over the vector part and the tail of the row, never the first logit.
                let x = 1 + (t * 7 + Int(seed)) % (e - 1)
                logits[t * e + x] = -150 - Float(t % 5)
            }
            let batch = RoutingBatch(step: 0, tokens: config.tokens, experts: e, logits: logits)
            let analysis = try router.route(batch, config: config)
            try expectMatchesBruteForce(analysis, config: config, logits: logits, "seed \(seed) \(config)")
            checked += 1
        }
        #expect(checked > 50)
    }
}
