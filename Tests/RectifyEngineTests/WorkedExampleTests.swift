import Testing
@testable import RectifyEngine

/// Spec section 8, every figure of every mode under both policies it names.
@Suite struct WorkedExampleTests {
    static let logits: [Float] = [
        3.0, 1.0, 2.0, 0.0,
        2.5, 0.5, 0.0, 2.0,
        0.0, 1.5, 3.0, 1.0,
        1.0, 0.0, 2.5, 2.0,
        0.5, 2.0, 1.0, 3.0,
        1.0, 2.5, 0.0, 3.5,
        2.0, 0.0, 1.0, 3.0,
        0.0, 3.0, 2.0, 1.0,
    ]

    static func config(_ policy: DropPolicy) -> RoutingConfig {
        RoutingConfig(gpus: 2, experts: 4, topK: 1, tokensPerGPU: 4, dropPolicy: policy)
    }

    static func route(_ policy: DropPolicy) throws -> StepAnalysis {
        let batch = RoutingBatch(step: 0, tokens: 8, experts: 4, logits: logits)
        return try Router(threads: 2).route(batch, config: config(policy), keepTokenRouting: true)
    }

    struct Row {
        var kept, dropped, recovered, irTokens, filled, residualPadding, crossGPU, covered: Int
        var gpuLoad: [Int]
    }

    static let table: [RectifyMode: Row] = [
        .vanilla: Row(kept: 4, dropped: 4, recovered: 0, irTokens: 0, filled: 0, residualPadding: 4, crossGPU: 2, covered: 4, gpuLoad: [2, 2]),
        .ir: Row(kept: 4, dropped: 4, recovered: 4, irTokens: 4, filled: 0, residualPadding: 4, crossGPU: 2, covered: 8, gpuLoad: [4, 4]),
        .fr: Row(kept: 4, dropped: 4, recovered: 0, irTokens: 0, filled: 4, residualPadding: 0, crossGPU: 4, covered: 6, gpuLoad: [4, 4]),
        .irfr: Row(kept: 4, dropped: 4, recovered: 4, irTokens: 4, filled: 4, residualPadding: 0, crossGPU: 4, covered: 8, gpuLoad: [6, 6]),
    ]

    @Test("capacity is 1 and slots are 8")
    func capacity() {
        #expect(Self.config(.score).capacity == 1)
        #expect(Self.config(.score).slots == 8)
    }

    @Test("every figure of the table, score and position", arguments: [DropPolicy.score, .position], RectifyMode.allCases)
    func table(policy: DropPolicy, mode: RectifyMode) throws {
        let analysis = try Self.route(policy)
        let figures = try #require(analysis.figures(mode))
        let row = try #require(Self.table[mode])
        #expect(figures.capacity == 1)
        #expect(figures.requested == 8)
        #expect(figures.kept == row.kept)
        #expect(figures.dropped == row.dropped)
        #expect(figures.recovered == row.recovered)
        #expect(figures.unrecovered == row.dropped - row.recovered)
        #expect(figures.irTokens == row.irTokens)
        #expect(figures.filled == row.filled)
        #expect(figures.slots == 8)
        #expect(figures.padding == 4)
        #expect(figures.residualPadding == row.residualPadding)
        #expect(figures.crossGPU == row.crossGPU)
        #expect(figures.coveredTokens == row.covered)
        #expect(figures.tokens == 8)
        #expect(figures.gpuLoad == row.gpuLoad)
        #expect(figures.imbalance == 1.0)
    }

    @Test("top-1 and next choices")
    func choices() throws {
        let tokens = try #require(try Self.route(.score).tokenRouting)
        #expect(tokens.choices == [0, 0, 2, 2, 3, 3, 3, 1])
        #expect(tokens.next == [2, 3, 1, 3, 1, 1, 0, 2])
    }

    @Test("score keeps t5 at e3, position keeps t4")
    func policies() throws {
        let score = try #require(try Self.route(.score).tokenRouting)
        #expect(score.dropped == [false, true, false, true, true, false, true, false])
        let position = try #require(try Self.route(.position).tokenRouting)
        #expect(position.dropped == [false, true, false, true, false, true, true, false])
        #expect(try Self.route(.score).keptPerGpuExpert == [1, 0, 1, 0, 0, 1, 0, 1])
    }

    @Test("IR sends t1, t3 to e0 and t4, t6 to e3; FR fills t2, t1, t6, t7")
    func rectification() throws {
        let tokens = try #require(try Self.route(.score).tokenRouting)
        #expect(tokens.irExpert == [-1, 0, -1, 0, 3, -1, 3, -1])
        #expect(tokens.filled == [false, true, true, false, false, false, true, true])
        #expect(try Self.route(.score).filledPerGpuExpert == [0, 1, 0, 1, 1, 0, 1, 0])
    }

    @Test("under IR+FR token t1 is computed by e0 and e3 with weights 0.622 and 0.378")
    func weights() throws {
        let analysis = try Self.route(.score)
        let tokens = try #require(analysis.tokenRouting)
        let weights = CombinationWeights.weights(
            token: 1, logits: Array(Self.logits[4..<8]), routing: tokens, mode: .irfr, normalization: .topk)
        #expect(weights.map(\.expert) == [0, 3])
        #expect(abs(weights[0].weight - 0.6225) < 0.0005)
        #expect(abs(weights[1].weight - 0.3775) < 0.0005)
    }

    /// By hand from the logits: top-1 probabilities 0.6439 (t0), 0.5483 (t1), 0.7101 (t2), 0.5231 (t3),
    /// 0.6308 (t4), 0.6756 (t5), 0.6439 (t6), 0.6439 (t7), sum 5.0196; kept t0, t2, t5, t7: 2.6735.
    /// IR experts: t1, t4, t6 go to their own (dropped) top choice, rank 1; t3 goes to e0, its rank 3
    /// with p 0.1167: mass 1.9397, mean rank 1.5. FR: t2 at e1 0.1584, t1 at e3 0.3325, t6 at e0 0.2369,
    /// t7 at e2 0.2369, each rank 2: mass 0.9647.
    @Test("gate mass and substitute ranks by hand", arguments: RectifyMode.allCases)
    func gateMass(mode: RectifyMode) throws {
        let mass = try #require(try Self.route(.score).figures(mode)).gateMass
        #expect(abs(mass.requested - 5.0196) < 5e-4)
        #expect(abs(try #require(mass.intendedShare) - 2.6735 / 5.0196) < 5e-4)
        let ir = mode.usesIR ? 1.9397 : 0, fr = mode.usesFR ? 0.9647 : 0
        #expect(abs(try #require(mass.substituteShare) - (ir + fr) / 5.0196) < 5e-4)
        #expect(mass.meanIntraGPURank == (mode.usesIR ? 1.5 : nil))
        #expect(mass.meanFillInRank == (mode.usesFR ? 2 : nil))
    }
}
