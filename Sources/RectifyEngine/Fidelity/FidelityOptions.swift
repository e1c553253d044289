/// How output fidelity is measured: how many tokens per step, and the seeded experts.
public struct FidelityOptions: Hashable, Sendable {
    /// Tokens measured per step (all of them when the step has fewer). A stratified sample over
    /// the step's tokens keeps the cost per step small and fixed.
    public var sampleTokens = 256
    /// Seed of the expert weights and of the sample offsets; the same seed gives the same numbers.
    public var seed: UInt64 = 1
    /// Inner width of each expert FFN as a multiple of the hidden size (`d -> expansion * d -> d`).
    public var expansion = 4
    /// How alike the experts are, 0...1: about the cosine similarity of two experts' outputs on
    /// one token (`FFN_e = sqrt(s) * shared + sqrt(1 - s) * own`, see `ExpertNetworks`).
    ///
    /// Whether a substitute expert (IR) or an extra one (FR) brings the output closer to dropless
    /// depends on it: with 0 (unrelated experts) every substitution only adds error, with 1 all
    /// experts are the same network. On the default workload IR beats vanilla from about 0.4 and
    /// IR+FR from about 0.5. The default 0.6 stands for trained experts that share much of their
    /// function (many MoEs start from copies of one dense FFN); sweeps should say which value they used.
    public var expertSimilarity = 0.6
    /// What the output is compared against (see `FidelityReference` for the default).
    public var reference = FidelityReference.topkPlusOne

    public init() {}

    public init(sampleTokens: Int = 256, seed: UInt64 = 1, expansion: Int = 4, expertSimilarity: Double = 0.6,
                reference: FidelityReference = .topkPlusOne) {
        self.sampleTokens = sampleTokens
        self.seed = seed
        self.expansion = expansion
        self.expertSimilarity = expertSimilarity
        self.reference = reference
    }

    /// Throws the first out-of-range option, named `fidelity.<name>`.
    public func validate() throws(ConfigError) {
        guard (1...1_000_000).contains(sampleTokens) else {
            throw ConfigError(key: "fidelity.sampleTokens", value: String(sampleTokens), allowed: "an integer from 1 to 1000000")
        }
        guard (1...64).contains(expansion) else {
            throw ConfigError(key: "fidelity.expansion", value: String(expansion), allowed: "an integer from 1 to 64")
        }
        guard expertSimilarity >= 0, expertSimilarity <= 1 else {
            throw ConfigError(key: "fidelity.expertSimilarity", value: String(expertSimilarity), allowed: "a number from 0 to 1")
        }
    }
}
