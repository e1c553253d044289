import Testing
@testable import RectifyEngine

/// `RoutingConfig.validate()`: every rejection names its key and what is allowed.
@Suite("RoutingConfig: validation")
struct RoutingConfigValidationTests {
    static func rejection(_ config: RoutingConfig) -> ConfigError? {
        do {
            try config.validate()
            return nil
        } catch {
            return error
        }
    }

    @Test("a sensible configuration passes")
    func accepts() throws {
        try RoutingConfig(gpus: 8, experts: 64, topK: 2, tokensPerGPU: 4096).validate()
        try RoutingConfig(gpus: 1, experts: 1, topK: 1, tokensPerGPU: 1).validate()
        try RoutingConfig(gpus: 64, experts: 256, topK: 8, tokensPerGPU: 1024, minCapacity: 0,
                          irCapacityFactor: CapacityFactor(tenThousandths: 5_000)).validate()
    }

    @Test("experts not a multiple of gpus")
    func expertsNotMultiple() throws {
        let error = try #require(Self.rejection(RoutingConfig(gpus: 8, experts: 63, topK: 2, tokensPerGPU: 16)))
        #expect(error.key == "experts")
        #expect(error.value == "63")
        #expect(error.description.contains("multiple of gpus (8)"), "\(error)")
    }

    @Test("topK above the number of experts")
    func topKTooLarge() throws {
        let error = try #require(Self.rejection(RoutingConfig(gpus: 2, experts: 4, topK: 5, tokensPerGPU: 16)))
        #expect(error.key == "topK")
        #expect(error.value == "5")
        #expect(error.description.contains("from 1 to 4"), "\(error)")
        #expect(error.description.hasPrefix("invalid topK 5: expected"), "\(error)")
        let zero = try #require(Self.rejection(RoutingConfig(gpus: 2, experts: 4, topK: 0, tokensPerGPU: 16)))
        #expect(zero.key == "topK")
        // Many experts: the engine's own bound on k applies.
        let wide = try #require(Self.rejection(RoutingConfig(gpus: 1, experts: 256, topK: 65, tokensPerGPU: 16)))
        #expect(wide.key == "topK")
        #expect(wide.description.contains("from 1 to 64"), "\(wide)")
    }

    @Test("zero GPUs")
    func zeroGPUs() throws {
        let error = try #require(Self.rejection(RoutingConfig(gpus: 0, experts: 4, topK: 1, tokensPerGPU: 16)))
        #expect(error.key == "gpus")
        #expect(error.value == "0")
        #expect(error.description == "invalid gpus 0: expected an integer from 1 to \(RoutingLimits.gpus.upperBound)")
    }

    @Test("zero experts, zero tokens, negative minCapacity")
    func otherIntegers() throws {
        #expect(Self.rejection(RoutingConfig(gpus: 1, experts: 0, topK: 1, tokensPerGPU: 1))?.key == "experts")
        let tokens = try #require(Self.rejection(RoutingConfig(gpus: 1, experts: 4, topK: 1, tokensPerGPU: 0)))
        #expect(tokens.key == "tokensPerGPU")
        #expect(tokens.description.contains("from 1 to"), "\(tokens)")
        let minimum = try #require(Self.rejection(RoutingConfig(gpus: 1, experts: 4, topK: 1, tokensPerGPU: 1, minCapacity: -1)))
        #expect(minimum.key == "minCapacity")
        #expect(minimum.description.contains("from 0 to"), "\(minimum)")
    }

    @Test("capacity factor 0, and an IR capacity factor out of range")
    func capacityFactorZero() throws {
        let error = try #require(Self.rejection(RoutingConfig(gpus: 1, experts: 4, topK: 1, tokensPerGPU: 16,
                                                             capacityFactor: CapacityFactor(tenThousandths: 0))))
        #expect(error.key == "capacityFactor")
        #expect(error.value == "0")
        #expect(error.description.contains("from 0.0001 to 1000"), "\(error)")
        let tooLarge = try #require(Self.rejection(RoutingConfig(gpus: 1, experts: 4, topK: 1, tokensPerGPU: 16,
                                                                capacityFactor: CapacityFactor(tenThousandths: 10_000_001))))
        #expect(tooLarge.key == "capacityFactor")
        let ir = try #require(Self.rejection(RoutingConfig(gpus: 1, experts: 4, topK: 1, tokensPerGPU: 16,
                                                          irCapacityFactor: CapacityFactor(tenThousandths: 0))))
        #expect(ir.key == "irCapacityFactor")
        #expect(ir.description.contains("from 0.0001 to 1000"), "\(ir)")
    }

    @Test("too many tokens in a step")
    func tooManyTokens() throws {
        let config = RoutingConfig(gpus: 4096, experts: 4096, topK: 1, tokensPerGPU: 1 << 16)
        let error = try #require(Self.rejection(config))
        #expect(error.key == "tokensPerGPU")
        #expect(error.description.contains("at most \(RoutingLimits.totalTokens.upperBound) tokens per step"), "\(error)")
        #expect(error.description.contains("\(4096 << 16)"), "names the product: \(error)")
    }

    @Test("the largest cluster the limits allow passes (the gpus x experts bound is reached exactly there)")
    func largestCluster() throws {
        let config = RoutingConfig(gpus: RoutingLimits.gpus.upperBound, experts: RoutingLimits.experts.upperBound,
                                   topK: 1, tokensPerGPU: 1)
        try config.validate()
        #expect(config.gpus * config.experts == RoutingLimits.gpuExpertPairs.upperBound)
    }

    @Test("the router refuses an invalid configuration with the same error")
    func routerRefuses() {
        let config = RoutingConfig(gpus: 2, experts: 3, topK: 1, tokensPerGPU: 1)
        let batch = RoutingBatch(step: 0, tokens: 2, experts: 3, logits: [Float](repeating: 0, count: 6))
        #expect(throws: RoutingError.invalidConfig(Self.rejection(config)!)) {
            try Router(threads: 1).route(batch, config: config)
        }
    }

    @Test("the router refuses a batch of the wrong shape")
    func routerShapeMismatch() {
        let config = RoutingConfig(gpus: 2, experts: 4, topK: 1, tokensPerGPU: 2)
        let batch = RoutingBatch(step: 0, tokens: 2, experts: 4, logits: [Float](repeating: 0, count: 8))
        #expect(throws: RoutingError.shapeMismatch(tokens: 2, experts: 4, expectedTokens: 4, expectedExperts: 4)) {
            try Router(threads: 1).route(batch, config: config)
        }
    }
}
