/// A small, fast, seedable generator (SplitMix64) so that every workload is reproducible.
///
/// Streams are derived from (seed, step, GPU, purpose) so results do not depend on thread count.
public struct RandomStream: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64, _ salts: UInt64...) {
        var mixed = seed
        for salt in salts { mixed = Self.mix(mixed ^ Self.mix(salt &+ 0x632B_E59B_D9B4_E019)) }
        state = mixed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    @inline(__always)
    public mutating func uniform() -> Float {
        Float(next() >> 40) * (1 / Float(1 << 24))
    }

    /// Approximately standard normal: four uniforms summed (Irwin-Hall), rescaled.
    ///
    /// Exact tails do not matter for a synthetic workload; speed does, and this needs no
    /// logarithms or sines. One 64-bit draw gives the four 16-bit uniforms.
    @inline(__always)
    public mutating func gaussian() -> Float {
        let bits = next()
        let a = Float(bits & 0xFFFF), b = Float((bits >> 16) & 0xFFFF)
        let c = Float((bits >> 32) & 0xFFFF), d = Float(bits >> 48)
        // Sum of four U(0,1) has mean 2 and variance 1/3.
        return ((a + b + c + d) * (1 / 65_536) - 2) * 1.732_050_8
    }

    /// Uniform integer in `0..<bound`.
    public mutating func index(below bound: Int) -> Int {
        Int(next() % UInt64(max(1, bound)))
    }
}
