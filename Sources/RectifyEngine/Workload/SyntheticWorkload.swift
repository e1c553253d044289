import Foundation

/// Seeded synthetic router logits: topic clusters, per-GPU topic mixes, a linear router,
/// expert popularity with drift, and optional hot-expert bursts.
///
/// `logits = (W · (centre[topic] + noise · z) + bias(step)) / temperature`. `W · centre` is
/// precomputed per topic and `W · z` for a pool of a few thousand noise draws, so a token costs
/// one pass over its logits: the generator stays well ahead of the router it feeds.
public final class SyntheticWorkload: BatchSource {
    public let parameters: SyntheticParameters
    public let gpus: Int
    public let tokensPerGPU: Int
    public let experts: Int
    public var tokens: Int { gpus * tokensPerGPU }
    /// Keep the hidden states in each batch (output-fidelity measurements need them).
    public var includeHidden: Bool
    public let threads: Int

    private let noiseDirections: [Float]   // poolSize x hiddenSize: noise · z
    private let noiseLogits: [Float]       // poolSize x experts: W · noise · z, scaled
    private let poolSize: Int
    private let centres: [Float]           // topics x hiddenSize
    private let centreLogits: [Float]      // topics x experts, scaled
    private let shardMixes: [[Float]]      // per GPU, cumulative topic probabilities
    private let baseBias: [Float]          // per expert
    private var driftState: [Float]
    private var step = 0

    public var label: String { "synthetic seed \(parameters.seed)" }

    public init(parameters: SyntheticParameters, gpus: Int, experts: Int, tokensPerGPU: Int,
                includeHidden: Bool = false,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws(WorkloadError) {
        do { try parameters.validate() } catch { throw WorkloadError(error.description) }
        self.parameters = parameters
        self.gpus = gpus
        self.experts = experts
        self.tokensPerGPU = tokensPerGPU
        self.includeHidden = includeHidden
        self.threads = max(1, threads)
        let d = parameters.hiddenSize
        let scale = Float(1 / parameters.temperature)
        var random = RandomStream(seed: parameters.seed, 1)
        // Router rows are random directions of unit length: no expert wins by a larger norm, so
        // imbalance comes only from the knobs (topics, skew, drift, bursts).
        var weights = (0..<(experts * d)).map { _ in random.gaussian() }
        for e in 0..<experts {
            let norm = (0..<d).reduce(Float(0)) { $0 + weights[e * d + $1] * weights[e * d + $1] }.squareRoot()
            for i in 0..<d { weights[e * d + i] *= scale / max(norm, 1e-6) }
        }
        centres = (0..<(parameters.topics * d)).map { _ in random.gaussian() * Float(parameters.topicSpread) }
        centreLogits = Self.project(centres, rows: parameters.topics, weights: weights, experts: experts, hiddenSize: d)
        poolSize = min(4096, max(256, (1 << 22) / max(1, experts)))
        var noiseRandom = RandomStream(seed: parameters.seed, 2)
        noiseDirections = (0..<(poolSize * d)).map { _ in noiseRandom.gaussian() * Float(parameters.tokenNoise) }
        noiseLogits = Self.project(noiseDirections, rows: poolSize, weights: weights, experts: experts, hiddenSize: d)
        shardMixes = (0..<gpus).map { _ in
            let weights = (0..<parameters.topics).map { _ in
                Float(exp(parameters.shardSpecialization * 3 * Double(random.gaussian())))
            }
            let total = weights.reduce(0, +)
            var running: Float = 0
            return weights.map { running += $0 / total; return running }
        }
        var ranks = Array(0..<experts)
        ranks.shuffle(using: &random)
        let rawBias = ranks.map { -Float(parameters.popularitySkew) * Float(log(1 + Double($0))) }
        let meanBias = rawBias.reduce(0, +) / Float(max(1, experts))
        baseBias = rawBias.map { ($0 - meanBias) * scale }
        driftState = [Float](repeating: 0, count: experts)
    }

    /// `W · v` for each of `rows` hidden vectors.
    private static func project(_ vectors: [Float], rows: Int, weights: [Float], experts: Int, hiddenSize d: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows * experts)
        for row in 0..<rows {
            for e in 0..<experts {
                var sum: Float = 0
                for i in 0..<d { sum += weights[e * d + i] * vectors[row * d + i] }
                out[row * experts + e] = sum
            }
        }
        return out
    }

    public func rewind() {
        step = 0
        driftState = [Float](repeating: 0, count: experts)
    }

    public func includeHiddenStates(_ include: Bool) {
        includeHidden = include
    }

    /// The expert that is hot at `step`, if a burst is on.
    public func hotExpert(atStep step: Int) -> Int? {
        let p = parameters
        guard p.burstEvery > 0, p.burstLength > 0, step % p.burstEvery < p.burstLength else { return nil }
        var random = RandomStream(seed: p.seed, 7, UInt64(step / p.burstEvery))
        return random.index(below: experts)
    }

    public func nextBatch() throws(WorkloadError) -> RoutingBatch? {
        let bias = advanceBias()
        let e = experts
        let d = parameters.hiddenSize
        // Every value is written below, so the array skips the zero fill.
        var logits = [Float](unsafeUninitializedCapacity: tokens * e) { _, count in count = tokens * e }
        var hidden = [Float](repeating: 0, count: includeHidden ? tokens * d : 0)
        let context = GenerationContext(
            seed: parameters.seed, step: UInt64(step), experts: e, hiddenSize: d, tokensPerGPU: tokensPerGPU,
            topics: parameters.topics, poolSize: poolSize)
        let pool = NoisePool(directions: noiseDirections, logits: noiseLogits)
        let centres = self.centres, centreLogits = self.centreLogits, mixes = shardMixes
        logits.withUnsafeMutableBufferPointer { logitBuffer in
            hidden.withUnsafeMutableBufferPointer { hiddenBuffer in
                guard let logitBase = logitBuffer.baseAddress else { return }
                let out = SharedBuffer(logitBase, count: logitBuffer.count)
                // An empty array still has a base address (shared storage): only hand it out when sized.
                let hiddenOut = hiddenBuffer.isEmpty ? nil : hiddenBuffer.baseAddress.map { SharedBuffer($0, count: hiddenBuffer.count) }
                parallelChunks(count: gpus, workers: threads) { _, range in
                    for gpu in range {
                        context.generate(gpu: gpu, mix: mixes[gpu], pool: pool, centres: centres,
                                         centreLogits: centreLogits, bias: bias, logits: out, hidden: hiddenOut)
                    }
                }
            }
        }
        let batch = RoutingBatch(step: step, tokens: tokens, experts: e, logits: logits,
                                 hidden: includeHidden ? HiddenStates(dimension: d, values: hidden) : nil)
        step += 1
        return batch
    }

    /// Popularity bias for the current step: fixed skew, mean-reverting drift, burst.
    private func advanceBias() -> [Float] {
        let scale = Float(1 / parameters.temperature)
        var random = RandomStream(seed: parameters.seed, 3, UInt64(step))
        let drift = Float(parameters.drift)
        for e in 0..<experts {
            driftState[e] = driftState[e] * 0.9 + drift * random.gaussian()
        }
        var bias = (0..<experts).map { baseBias[$0] + driftState[$0] * scale }
        if let hot = hotExpert(atStep: step) { bias[hot] += Float(parameters.burstBoost) * scale }
        return bias
    }
}

/// Precomputed token noise: hidden-space draws and their logits.
private struct NoisePool: Sendable {
    let directions: [Float]
    let logits: [Float]
}

/// What one GPU's generator needs; a value so it can cross into worker threads.
private struct GenerationContext: Sendable {
    let seed: UInt64
    let step: UInt64
    let experts: Int
    let hiddenSize: Int
    let tokensPerGPU: Int
    let topics: Int
    let poolSize: Int

    func generate(gpu: Int, mix: [Float], pool: NoisePool, centres: [Float], centreLogits: [Float],
                  bias: [Float], logits: SharedBuffer<Float>, hidden: SharedBuffer<Float>?) {
        var random = RandomStream(seed: seed, 5, step, UInt64(gpu))
        pool.logits.withUnsafeBufferPointer { noise in
        pool.directions.withUnsafeBufferPointer { directions in
        centreLogits.withUnsafeBufferPointer { cl in
        centres.withUnsafeBufferPointer { centreStates in
        bias.withUnsafeBufferPointer { b in
            guard let noiseBase = noise.baseAddress, let clBase = cl.baseAddress, let b = b.baseAddress,
                  let directionBase = directions.baseAddress, let centreBase = centreStates.baseAddress else { return }
            let noise = ReadBuffer(noiseBase, count: noise.count), cl = ReadBuffer(clBase, count: cl.count)
            let bias = ReadBuffer(b, count: experts)
            let directions = ReadBuffer(directionBase, count: directions.count)
            let centreStates = ReadBuffer(centreBase, count: centreStates.count)
            for local in 0..<tokensPerGPU {
                let t = gpu * tokensPerGPU + local
                let u = random.uniform()
                var topic = 0
                while topic < topics - 1 && mix[topic] < u { topic += 1 }
                let draw = random.index(below: poolSize)
                let row = logits.slice(t * experts, experts)
                let centreRow = cl.slice(topic * experts, experts)
                let noiseRow = noise.slice(draw * experts, experts)
                for e in 0..<experts { row[e] = centreRow[e] + noiseRow[e] + bias[e] }
                if let hidden {
                    let h = hidden.slice(t * hiddenSize, hiddenSize)
                    let centre = centreStates.slice(topic * hiddenSize, hiddenSize)
                    let direction = directions.slice(draw * hiddenSize, hiddenSize)
                    for i in 0..<hiddenSize { h[i] = centre[i] + direction[i] }
                }
            }
        }}}}}
    }
}
