import Testing
@testable import RectifyEngine

/// The step-time cost model on cases small enough to work by hand.
@Suite("Cost model")
struct CostModelTests {
    /// `beta = d * b = 2` bytes per entry, one row of expert compute takes exactly 1 s
    /// (`2 * M * d * f = 2 * 2 * 2 * 4 = 32` FLOPs at 32 FLOP/s), 4 B/s inside a node, 2 B/s between.
    static func parameters(gpusPerNode: Int) -> CostParameters {
        CostParameters(hiddenSize: 2, ffnSize: 4, ffnMatrices: 2, bytesPerElement: 1, peakFLOPS: 32,
                       intraNodeBandwidth: 4, interNodeBandwidth: 2, gpusPerNode: gpusPerNode)
    }

    static func workedExample() throws -> StepAnalysis {
        let batch = RoutingBatch(step: 0, tokens: 8, experts: 4, logits: WorkedExampleTests.logits)
        return try Router(threads: 1).route(batch, config: WorkedExampleTests.config(.score))
    }

    struct Expected {
        var compute: [Double]
        var useful: Int
        var realBytes: Int
    }

    /// Section 8: `C = 1`, each GPU sends its two remote slots (4 bytes) and receives two.
    /// IR adds two local rows per GPU; FR fills two remote slots per GPU with real tokens.
    static let expected: [RectifyMode: Expected] = [
        .vanilla: Expected(compute: [4, 4], useful: 4, realBytes: 4),
        .ir: Expected(compute: [6, 6], useful: 8, realBytes: 4),
        .fr: Expected(compute: [4, 4], useful: 6, realBytes: 8),
        .irfr: Expected(compute: [6, 6], useful: 8, realBytes: 8),
    ]

    @Test("worked example, one GPU per node: 2 s each way over the 2 B/s link", arguments: RectifyMode.allCases)
    func workedExampleTwoNodes(mode: RectifyMode) throws {
        let work = try #require(StepWork(analysis: try Self.workedExample(), mode: mode))
        let cost = CostModel.estimate(work, parameters: Self.parameters(gpusPerNode: 1))
        let row = try #require(Self.expected[mode])
        #expect(cost.dispatchSeconds == 2 && cost.combineSeconds == 2)
        #expect(cost.computeSeconds == row.compute)
        #expect(cost.stepSeconds == 4 + (row.compute.max() ?? 0))
        #expect(cost.bufferBytes == 8 && cost.interNodeBytes == 8 && cost.intraNodeBytes == 0)
        #expect(cost.realBytes == row.realBytes && cost.realInterNodeBytes == row.realBytes)
        #expect(cost.paddingBytes == 8 - row.realBytes)
        #expect(cost.usefulTokens == row.useful)
        #expect(cost.usefulTokensPerSecond == Double(row.useful) / cost.stepSeconds)
    }

    @Test("worked example, both GPUs on one node: 1 s each way over the 4 B/s link")
    func workedExampleOneNode() throws {
        let work = try #require(StepWork(analysis: try Self.workedExample(), mode: .vanilla))
        let cost = CostModel.estimate(work, parameters: Self.parameters(gpusPerNode: 2))
        #expect(cost.dispatchSeconds == 1 && cost.stepSeconds == 6)
        #expect(cost.intraNodeBytes == 8 && cost.interNodeBytes == 0 && cost.realIntraNodeBytes == 4)
    }

    @Test("summed figures alone give the same estimate as the matrices")
    func figuresOnly() throws {
        let analysis = try Self.workedExample()
        for mode in RectifyMode.allCases {
            let figures = try #require(analysis.figures(mode))
            let fromFigures = CostModel.estimate(StepWork(figures: figures, config: analysis.config),
                                                 parameters: Self.parameters(gpusPerNode: 1))
            let fromMatrices = CostModel.estimate(try #require(StepWork(analysis: analysis, mode: mode)),
                                                  parameters: Self.parameters(gpusPerNode: 1))
            #expect(fromFigures == fromMatrices, "\(mode)")
        }
    }

    @Test("dropless sends only its assignments and waits for the busiest GPU")
    func dropless() throws {
        let batch = RoutingBatch(step: 0, tokens: 8, experts: 4, logits: WorkedExampleTests.logits)
        let step = try BaselineRouter.route(batch, config: WorkedExampleTests.config(.score), mode: .dropless)
        // GPU 0 sends t2, t3 to e2 (4 bytes) and receives t7 (2 bytes); GPU 1 the reverse.
        let cost = CostModel.estimate(StepWork(baseline: step), parameters: Self.parameters(gpusPerNode: 1))
        #expect(cost.dispatchSeconds == 2)
        #expect(cost.computeSeconds == [3, 5])
        #expect(cost.stepSeconds == 9)
        #expect(cost.bufferBytes == 6 && cost.realBytes == 6 && cost.paddingBytes == 0)
        #expect(cost.usefulTokens == 8)
    }

    @Test("expert-choice sends the fixed buffer and is perfectly balanced")
    func expertChoice() throws {
        let batch = RoutingBatch(step: 0, tokens: 8, experts: 4, logits: WorkedExampleTests.logits)
        let step = try BaselineRouter.route(batch, config: WorkedExampleTests.config(.score), mode: .expertChoice)
        let cost = CostModel.estimate(StepWork(baseline: step), parameters: Self.parameters(gpusPerNode: 1))
        #expect(cost.dispatchSeconds == 2 && cost.computeSeconds == [4, 4] && cost.stepSeconds == 8)
        #expect(cost.bufferBytes == 8 && cost.realBytes == 8)
        #expect(cost.usefulTokens == 6)
    }

    /// Four GPUs, one expert each, two per node, one byte per entry, one second per row.
    static let mixedWork = StepWork(
        gpus: 4, experts: 4,
        sentPerGpuExpert: [5, 10, 3, 0,
                           0, 7, 0, 2,
                           4, 0, 0, 0,
                           0, 0, 6, 0],
        realPerGpuExpert: [5, 7, 3, 0,
                           0, 7, 0, 2,
                           1, 0, 0, 0,
                           0, 0, 6, 0],
        realCrossGPU: 19, bufferRows: [1, 2, 3, 4], localRows: [1, 0, 0, 0], usefulTokens: 10)

    static func mixedParameters(intra: Double) -> CostParameters {
        CostParameters(hiddenSize: 1, ffnSize: 8, ffnMatrices: 2, bytesPerElement: 1, peakFLOPS: 32,
                       intraNodeBandwidth: intra, interNodeBandwidth: 1, gpusPerNode: 2)
    }

    @Test("links: each GPU is as slow as its slowest link direction, the all-to-all as its slowest GPU")
    func mixedNodes() {
        // GPU 0 receives 4 inter-node bytes (from GPU 2) and sends 3: 4 s at 1 B/s; it sends 10 bytes
        // to GPU 1 on its own node: 2 s at 5 B/s. GPU 2 sends 4 inter-node bytes: 4 s.
        let cost = CostModel.estimate(Self.mixedWork, parameters: Self.mixedParameters(intra: 5))
        #expect(cost.dispatchSeconds == 4 && cost.combineSeconds == 4)
        #expect(cost.computeSeconds == [2, 2, 3, 4])
        #expect(cost.stepSeconds == 12)
        #expect(cost.intraNodeBytes == 16 && cost.interNodeBytes == 9 && cost.bufferBytes == 25)
        #expect(cost.realIntraNodeBytes == 13 && cost.realInterNodeBytes == 6 && cost.realBytes == 19)
        #expect(cost.usefulTokensPerSecond == 10.0 / 12)
        // With a 1 B/s node link the 10 bytes GPU 0 sends to GPU 1 take longest.
        let slow = CostModel.estimate(Self.mixedWork, parameters: Self.mixedParameters(intra: 1))
        #expect(slow.dispatchSeconds == 10 && slow.stepSeconds == 24)
    }

    @Test("without the real-token matrix, real bytes follow the buffer's intra/inter split")
    func realSplitFallback() {
        var work = Self.mixedWork
        work.realPerGpuExpert = nil
        work.realCrossGPU = 10
        let cost = CostModel.estimate(work, parameters: Self.mixedParameters(intra: 5))
        // 10 bytes, 16/25 of them inside a node: 6.4, rounded.
        #expect(cost.realBytes == 10 && cost.realIntraNodeBytes == 6 && cost.realInterNodeBytes == 4)
        #expect(cost.dispatchSeconds == 4)
    }

    @Test("capacity modes pay the same communication; IR adds compute only")
    func communicationIndependentOfMode() throws {
        let workload = try SyntheticWorkload(parameters: SyntheticParameters(), gpus: 4, experts: 16, tokensPerGPU: 64, threads: 1)
        let config = RoutingConfig(gpus: 4, experts: 16, topK: 2, tokensPerGPU: 64)
        let batch = try #require(try workload.nextBatch())
        let analysis = try Router(threads: 1).route(batch, config: config)
        let parameters = CostParameters(gpusPerNode: 2)
        let costs = try RectifyMode.allCases.map {
            CostModel.estimate(try #require(StepWork(analysis: analysis, mode: $0)), parameters: parameters)
        }
        #expect(Set(costs.map(\.dispatchSeconds)).count == 1 && Set(costs.map(\.bufferBytes)).count == 1)
        #expect(costs[0].computeSeconds == costs[2].computeSeconds)
        #expect(costs[1].slowestComputeSeconds >= costs[0].slowestComputeSeconds)
        #expect(costs[3].realBytes >= costs[0].realBytes)
    }

    @Test("defaults: a Mixtral-sized bf16 SwiGLU expert on H100 nodes")
    func defaults() throws {
        let p = CostParameters()
        #expect(p.bytesPerToken == 8192)
        #expect(p.flopsPerToken == 2 * 3 * 4096 * 14336)
        #expect(p.gpusPerNode == 8 && p.peakFLOPS == 989e12)
        try p.validate()
        var bad = p
        bad.interNodeBandwidth = 0
        #expect(throws: ConfigError.self) { try bad.validate() }
        bad = p
        bad.gpusPerNode = 0
        do {
            try bad.validate()
            Issue.record("gpusPerNode 0 accepted")
        } catch {
            #expect(error.key == "cost.gpusPerNode")
        }
    }

    @Test("run totals: throughput is useful tokens over total time")
    func totals() {
        var totals = CostTotals()
        let parameters = Self.mixedParameters(intra: 5)
        totals.add(CostModel.estimate(Self.mixedWork, parameters: parameters))
        totals.add(CostModel.estimate(Self.mixedWork, parameters: Self.mixedParameters(intra: 1)))
        #expect(totals.steps == 2 && totals.stepSeconds == 36 && totals.meanStepSeconds == 18)
        #expect(totals.usefulTokens == 20 && totals.usefulTokensPerSecond == 20.0 / 36)
        #expect(totals.dispatchSeconds == 14 && totals.bufferBytes == 50 && totals.realBytes == 38)
    }
}
