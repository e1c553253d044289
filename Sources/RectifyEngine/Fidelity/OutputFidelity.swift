import Foundation

/// Output fidelity (issue 4), a layer-distortion proxy: how far each scheme's MoE layer output is
/// from a dropless reference output, on small seeded expert networks (not a trained model's) and
/// the workload's hidden states. It measures distortion of one layer, never model quality.
///
/// For a sampled token `t` with hidden state `x`, with `R` = `k` or `k+1` experts (`options.reference`):
///
///     y_ref(t)    = sum over the first R experts j of w_j * FFN_j(x)   (dropless; spec section 6 weights)
///     y_scheme(t) = sum over its terms of w_u * FFN_u(x)       (rectify modes: spec section 6 weights;
///                                                              baselines: their `BaselineAssignments`)
///     error       = sqrt(sum over t of ||y_scheme - y_ref||^2 / sum over t of ||y_ref||^2)
///
/// A token nobody computes has `y_scheme = 0` (residual path only). Against the `topk` reference
/// dropless scores 0, and so does any mode on a step where nothing is dropped, except FR, whose
/// extra expert makes top-k a top-(k+1) output; against `topk+1` FR's extra expert is no error.
public struct OutputFidelity: Sendable {
    public let options: FidelityOptions
    public let networks: ExpertNetworks
    /// Threads a step's sampled tokens are scored on (the scores do not depend on it).
    public let threads: Int

    public init(experts: Int, dimension: Int, options: FidelityOptions = FidelityOptions(),
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.options = options
        self.threads = max(1, threads)
        networks = ExpertNetworks(experts: experts, dimension: dimension, expansion: options.expansion,
                                  similarity: options.expertSimilarity, seed: options.seed)
    }

    /// The tokens measured at `step`: a stratified sample, one token in each of
    /// `min(sampleTokens, tokens)` equal stretches, at a seeded offset that changes per step.
    public func sample(tokens: Int, step: Int) -> [Int] {
        let count = min(max(1, options.sampleTokens), tokens)
        guard count < tokens else { return Array(0..<tokens) }
        var random = RandomStream(seed: options.seed, 23, UInt64(truncatingIfNeeded: step))
        let offset = Double(random.uniform())
        return (0..<count).map { min(tokens - 1, Int((Double($0) + offset) * Double(tokens) / Double(count))) }
    }

    /// Scores every rectify mode `analysis` holds (it must be routed with `keepTokenRouting: true`;
    /// without it the modes are left out) and every baseline routed with `keepAssignments: true`.
    /// `nil` when the batch carries no hidden states of this instance's dimension (traces) or
    /// the shapes do not match `config`.
    ///
    /// The sampled tokens are scored on `threads` threads, each token on its own, and their scores
    /// are then added in token order: the sums are the same whatever the threads, and the expert
    /// networks (the step's largest cost after routing) no longer hold one core while the other waits.
    public func measure(batch: RoutingBatch, config: RoutingConfig, analysis: StepAnalysis?,
                        baselines: [BaselineStep] = []) -> StepFidelity? {
        guard let hidden = batch.hidden, hidden.dimension == networks.dimension,
              hidden.values.count == batch.tokens * hidden.dimension,
              batch.tokens == config.tokens, batch.experts == config.experts,
              config.experts == networks.experts else { return nil }
        let modes = analysis.flatMap { a in a.tokenRouting.map { (a, $0) } }
        let measuredBaselines = baselines.filter { $0.assignments?.tokens == batch.tokens }
        let tokens = sample(tokens: batch.tokens, step: batch.step)
        var perToken = [[(scheme: RoutingScheme, score: FidelityScore)]](repeating: [], count: tokens.count)
        perToken.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let out = SharedBuffer(base, count: buffer.count)
            parallelChunks(count: tokens.count, workers: threads) { _, range in
                hidden.values.withUnsafeBufferPointer { states in
                    batch.logits.withUnsafeBufferPointer { logits in
                        for i in range {
                            out[i] = score(token: tokens[i], states: states, logits: logits, config: config,
                                           modes: modes, baselines: measuredBaselines)
                        }
                    }
                }
            }
        }
        var scores: [RoutingScheme: FidelityScore] = [:]
        for list in perToken {
            for entry in list { scores[entry.scheme, default: FidelityScore()].add(entry.score) }
        }
        return StepFidelity(step: batch.step, sampledTokens: tokens.count, scores: scores)
    }

    /// One token's score under every scheme measured, in a fixed order (modes, then baselines).
    private func score(token t: Int, states: UnsafeBufferPointer<Float>, logits: UnsafeBufferPointer<Float>,
                       config: RoutingConfig, modes: (StepAnalysis, TokenRouting)?,
                       baselines: [BaselineStep]) -> [(scheme: RoutingScheme, score: FidelityScore)] {
        let d = networks.dimension
        let e = networks.experts
        let input = UnsafeBufferPointer(rebasing: states[(t * d)..<((t + 1) * d)])
        let row = UnsafeBufferPointer(rebasing: logits[(t * e)..<((t + 1) * e)])
        let shared = networks.shared(input: input)
        var cache: [Int: [Double]] = [:]
        func combine(_ terms: [(expert: Int, weight: Double)]) -> [Double] {
            var y = [Double](repeating: 0, count: d)
            for term in terms {
                let f = cache[term.expert] ?? networks.output(expert: term.expert, input: input, shared: shared)
                cache[term.expert] = f
                for i in 0..<d { y[i] += term.weight * f[i] }
            }
            return y
        }
        let choices = TopKGate.topK(row, k: options.reference.experts(topK: config.topK, of: e))
        let weights = TopKGate.weights(choices: choices, row: row, normalization: config.gateNormalization)
        let reference = combine(zip(choices, weights).map { ($0, $1) })
        let referenceSquared = reference.reduce(0) { $0 + $1 * $1 }
        var scores: [(scheme: RoutingScheme, score: FidelityScore)] = []
        func add(_ scheme: RoutingScheme, _ terms: [(expert: Int, weight: Double)]) {
            let y = combine(terms)
            var error = 0.0
            for i in 0..<d { error += (y[i] - reference[i]) * (y[i] - reference[i]) }
            scores.append((scheme, FidelityScore(errorSquared: error, referenceSquared: referenceSquared, tokens: 1)))
        }
        if let (analysis, routing) = modes {
            let logitRow = Array(row)
            for mode in RectifyMode.allCases where analysis.computed.contains(mode) {
                let terms = CombinationWeights.weights(token: t, logits: logitRow, routing: routing,
                                                       mode: mode, normalization: config.gateNormalization)
                add(.rectify(mode), terms.map { ($0.expert, $0.weight) })
            }
        }
        for baseline in baselines {
            guard let assignments = baseline.assignments else { continue }
            add(.baseline(baseline.mode), assignments.terms(of: t).map { ($0.expert, $0.weight) })
        }
        return scores
    }
}
