import Testing
@testable import RectifyEngine

/// The sizes the issue asks for (1024 GPUs, 4096 experts, k = 16; a million tokens in a step)
/// routed by the real router, every spec section 7 relation checked on the result.
@Suite("Router: large configurations")
struct LargeConfigurationTests {
    /// Logits with a strong expert popularity (so pairs overflow and every mode has work), a little
    /// per-token noise, written straight into the array: cheap even in debug builds.
    static func skewedLogits(tokens: Int, experts: Int, seed: UInt64) -> [Float] {
        var popularity = [Float](repeating: 0, count: experts)
        var random = RandomStream(seed: seed, 11)
        for e in 0..<experts { popularity[e] = 3 * random.uniform() * random.uniform() }
        var logits = [Float](repeating: 0, count: tokens * experts)
        logits.withUnsafeMutableBufferPointer { out in
            popularity.withUnsafeBufferPointer { bias in
                for t in 0..<tokens {
                    var row = RandomStream(seed: seed, 12, UInt64(t))
                    let base = t * experts
                    for e in 0..<experts { out[base + e] = bias[e] + row.uniform() }
                }
            }
        }
        return logits
    }

    /// Every relation between the figures the spec and the issue state, for every mode.
    static func checkInvariants(_ analysis: StepAnalysis, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let config = analysis.config
        let g = config.gpus, e = config.experts, c = analysis.capacity
        #expect(c == config.capacity, sourceLocation: sourceLocation)
        #expect(analysis.requestedPerGpuExpert.count == g * e, sourceLocation: sourceLocation)
        var keptSum = 0, requestedSum = 0, filledSum = 0
        var pairProblems = 0
        for pair in 0..<(g * e) {
            let requested = Int(analysis.requestedPerGpuExpert[pair])
            let kept = Int(analysis.keptPerGpuExpert[pair])
            let filled = Int(analysis.filledPerGpuExpert[pair])
            // kept(g,e) = min(requests, C); FR only fills padding.
            if kept != min(requested, c) || kept > c || filled < 0 || filled > c - kept { pairProblems += 1 }
            keptSum += kept
            requestedSum += requested
            filledSum += filled
        }
        #expect(pairProblems == 0, "pairs breaking kept = min(requests, C) or filled <= padding", sourceLocation: sourceLocation)
        #expect(requestedSum == config.tokens * config.topK, sourceLocation: sourceLocation)
        for mode in RectifyMode.allCases {
            let f = try #require(analysis.figures(mode), sourceLocation: sourceLocation)
            #expect(f.requested == config.tokens * config.topK, "\(mode)", sourceLocation: sourceLocation)
            #expect(f.kept == keptSum, "\(mode)", sourceLocation: sourceLocation)
            #expect(f.kept + f.dropped == f.requested, "\(mode)", sourceLocation: sourceLocation)
            #expect(f.recovered + f.unrecovered == f.dropped, "\(mode)", sourceLocation: sourceLocation)
            #expect(f.recovered >= 0 && f.unrecovered >= 0, "\(mode)", sourceLocation: sourceLocation)
            #expect(f.irTokens <= f.recovered, "an IR token carries at least one drop (\(mode))", sourceLocation: sourceLocation)
            #expect(f.slots == g * e * c, "\(mode)", sourceLocation: sourceLocation)
            #expect(f.padding == f.slots - f.kept, "\(mode)", sourceLocation: sourceLocation)
            #expect(f.filled <= f.padding, "\(mode)", sourceLocation: sourceLocation)
            #expect(f.residualPadding == f.slots - f.kept - f.filled, "\(mode)", sourceLocation: sourceLocation)
            #expect(f.gpuLoad.count == g, "\(mode)", sourceLocation: sourceLocation)
            #expect(f.gpuLoad.reduce(0, +) == f.kept + f.filled + f.irTokens, "\(mode)", sourceLocation: sourceLocation)
            #expect(f.expertLoad.reduce(0, +) == f.kept + f.filled + f.irTokens, "\(mode)", sourceLocation: sourceLocation)
            #expect(f.expertDropped.reduce(0, +) == f.dropped, "\(mode)", sourceLocation: sourceLocation)
            #expect(f.coveredTokens <= f.tokens && f.tokens == config.tokens, "\(mode)", sourceLocation: sourceLocation)
            #expect(f.crossGPU <= f.kept + f.filled, "\(mode)", sourceLocation: sourceLocation)
            if let imbalance = f.imbalance { #expect(imbalance >= 1 - 1e-12, "\(mode)", sourceLocation: sourceLocation) }
            switch mode {
            case .vanilla:
                #expect(f.recovered == 0 && f.irTokens == 0 && f.filled == 0, sourceLocation: sourceLocation)
            case .ir:
                #expect(f.filled == 0, sourceLocation: sourceLocation)
                #expect(f.dropped == 0 || f.recovered > 0, "IR recovers something when pairs overflow", sourceLocation: sourceLocation)
            case .fr:
                #expect(f.recovered == 0 && f.irTokens == 0, sourceLocation: sourceLocation)
                #expect(f.filled == filledSum, sourceLocation: sourceLocation)
            case .irfr:
                #expect(f.filled == filledSum, sourceLocation: sourceLocation)
            }
        }
        let vanilla = try #require(analysis.figures(.vanilla), sourceLocation: sourceLocation)
        #expect(vanilla.dropped > 0, "the workload is skewed enough to overflow pairs", sourceLocation: sourceLocation)
    }

    @Test("1024 GPUs, 4096 experts, top-16, 4 tokens per GPU")
    func manyGPUsAndExperts() throws {
        let config = RoutingConfig(gpus: 1024, experts: 4096, topK: 16, tokensPerGPU: 4)
        try config.validate()
        #expect(config.capacity == 1)
        let logits = Self.skewedLogits(tokens: config.tokens, experts: config.experts, seed: 3)
        let batch = RoutingBatch(step: 0, tokens: config.tokens, experts: config.experts, logits: logits)
        let analysis = try Router(threads: 2).route(batch, config: config)
        try Self.checkInvariants(analysis)
        // One worker and two agree figure for figure.
        let single = try Router(threads: 1).route(batch, config: config)
        for mode in RectifyMode.allCases {
            #expect(single.figures(mode) == analysis.figures(mode), "\(mode)")
        }
        #expect(single.keptPerGpuExpert == analysis.keptPerGpuExpert)
        #expect(single.filledPerGpuExpert == analysis.filledPerGpuExpert)
        #expect(single.irPerExpert == analysis.irPerExpert)
    }

    @Test("8 GPUs, 16 experts, top-2, 1,048,576 tokens in one step")
    func millionTokens() throws {
        let config = RoutingConfig(gpus: 8, experts: 16, topK: 2, tokensPerGPU: 131_072)
        try config.validate()
        #expect(config.tokens == 1_048_576)
        #expect(config.capacity == 16_384)
        let logits = Self.skewedLogits(tokens: config.tokens, experts: config.experts, seed: 5)
        let batch = RoutingBatch(step: 0, tokens: config.tokens, experts: config.experts, logits: logits)
        let analysis = try Router(threads: 2).route(batch, config: config)
        try Self.checkInvariants(analysis)
    }

    @Test("the largest top-k (64) on 64 experts: nothing is ever dropped, nothing to fill")
    func topKEqualsExperts() throws {
        let config = RoutingConfig(gpus: 4, experts: 64, topK: 64, tokensPerGPU: 8)
        let logits = Self.skewedLogits(tokens: config.tokens, experts: config.experts, seed: 9)
        let batch = RoutingBatch(step: 0, tokens: config.tokens, experts: config.experts, logits: logits)
        let analysis = try Router(threads: 2).route(batch, config: config, keepTokenRouting: true)
        // C = ceil(8 * 64 / 64) = 8: every pair takes all 8 tokens of its GPU.
        #expect(config.capacity == 8)
        for mode in RectifyMode.allCases {
            let f = try #require(analysis.figures(mode))
            #expect(f.dropped == 0 && f.filled == 0 && f.irTokens == 0 && f.residualPadding == 0, "\(mode)")
            #expect(f.coveredTokens == config.tokens, "\(mode)")
        }
        #expect(analysis.tokenRouting?.next.allSatisfy { $0 == -1 } == true, "no (k+1)-th expert when k == E")
    }
}
