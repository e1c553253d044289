/// The knobs of the synthetic workload, each with the effect it has on routing.
public struct SyntheticParameters: Hashable, Sendable {
    /// Seed for everything random; the same seed gives the same batches.
    public var seed: UInt64 = 1
    /// Width of the hidden states the linear router reads. Larger is slower and slightly smoother.
    public var hiddenSize: Int = 16
    /// Topic clusters tokens are drawn from. More topics spread load more evenly.
    public var topics: Int = 16
    /// How far apart topic centres are (hidden-space units). Larger makes each topic prefer a few
    /// experts strongly: confident routing with clustered demand.
    public var topicSpread: Double = 0.3
    /// Token noise around its topic centre. Larger blurs topics: more uniform demand.
    public var tokenNoise: Double = 1.0
    /// 0 gives every GPU's data shard the same topic mix; towards 1 each shard specialises in a
    /// few topics, so per-GPU demand differs (OLMoE-like domain experts).
    public var shardSpecialization: Double = 0.3
    /// Fixed preference for some experts (logit bias `-skew * ln(1 + rank)`, ranks shuffled by seed).
    /// The main imbalance knob: 0 is balanced, 0.03 a trained router with a balancing loss (top-2
    /// busiest/mean expert about 1.8 per step), 0.15 with temperature 3 a young router (about 3.4).
    public var popularitySkew: Double = 0.03
    /// Divides the logits. Above 1 flattens probabilities (young router: near-uniform but a skewed
    /// argmax); below 1 sharpens them (a confident trained router).
    public var temperature: Double = 1.0
    /// Step-to-step random walk of expert popularity (logit units per step, mean-reverting with
    /// factor 0.9). Makes per-step imbalance vary like trained routers do.
    public var drift: Double = 0.05
    /// Every `burstEvery` steps one random expert turns hot for `burstLength` steps (0 turns bursts off).
    public var burstEvery: Int = 0
    public var burstLength: Int = 0
    /// Logit added to the hot expert during a burst.
    public var burstBoost: Double = 0

    public init() {}
}

extension SyntheticParameters {
    /// Throws the first out-of-range knob, named as in presets (`synthetic.<knob>`).
    public func validate() throws(ConfigError) {
        func fail(_ key: String, _ value: String, _ allowed: String) -> ConfigError {
            ConfigError(key: "synthetic." + key, value: value, allowed: allowed)
        }
        guard (1...1024).contains(hiddenSize) else { throw fail("hiddenSize", "\(hiddenSize)", "an integer from 1 to 1024") }
        guard (1...4096).contains(topics) else { throw fail("topics", "\(topics)", "an integer from 1 to 4096") }
        let ranges: [(String, Double, ClosedRange<Double>)] = [
            ("topicSpread", topicSpread, 0...100), ("tokenNoise", tokenNoise, 0...100),
            ("shardSpecialization", shardSpecialization, 0...1), ("popularitySkew", popularitySkew, 0...20),
            ("temperature", temperature, 0.01...100), ("drift", drift, 0...10), ("burstBoost", burstBoost, 0...100),
        ]
        for (key, value, range) in ranges where !range.contains(value) {
            throw fail(key, "\(value)", "a number from \(range.lowerBound) to \(range.upperBound)")
        }
        guard (0...1_000_000).contains(burstEvery) else { throw fail("burstEvery", "\(burstEvery)", "an integer from 0 (no bursts) to 1000000") }
        guard burstLength >= 0, burstLength <= burstEvery else {
            throw fail("burstLength", "\(burstLength)", "an integer from 0 to burstEvery (\(burstEvery))")
        }
    }
}
