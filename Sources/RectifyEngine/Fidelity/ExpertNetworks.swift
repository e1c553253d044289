import Foundation

/// A small real feed-forward network per expert, `d -> h -> d` with a GELU, seeded weights:
/// enough to turn routing decisions into layer outputs one can compare.
///
/// Expert `e` computes `FFN_e(x) = sqrt(s) * N_shared(x) + sqrt(1 - s) * N_e(x)` where every
/// `N(x) = W2 gelu(W1 x + b1)` has its own standard-normal weights scaled by `1 / sqrt(fan-in)`.
/// The networks are independent, so `s` (expert similarity) is about the cosine similarity of
/// two experts' outputs on the same token, and every expert keeps the same output scale.
public struct ExpertNetworks: Sendable {
    public let experts: Int
    public let dimension: Int
    public let width: Int
    public let similarity: Double
    /// Networks `0..<experts` are the experts' own parts; network `experts` is the shared part.
    private let w1: [Float]   // (experts + 1) x width x dimension
    private let b1: [Float]   // (experts + 1) x width
    private let w2: [Float]   // (experts + 1) x dimension x width

    public init(experts: Int, dimension: Int, expansion: Int = 4, similarity: Double = 0.6, seed: UInt64) {
        self.experts = experts
        self.dimension = dimension
        self.similarity = min(max(similarity, 0), 1)
        width = max(1, expansion * dimension)
        let networks = experts + 1
        func draw(_ purpose: UInt64, count: Int, scale: Float) -> [Float] {
            (0..<networks).flatMap { network -> [Float] in
                var random = RandomStream(seed: seed, 21, purpose, UInt64(network))
                return (0..<count).map { _ in random.gaussian() * scale }
            }
        }
        w1 = draw(1, count: width * dimension, scale: 1 / Float(dimension).squareRoot())
        b1 = draw(2, count: width, scale: 0.1)
        w2 = draw(3, count: dimension * width, scale: 1 / Float(width).squareRoot())
    }

    /// The shared part, `N_shared(x)`; callers that evaluate several experts on one token
    /// compute it once and pass it to `output(expert:input:shared:)`.
    public func shared(input: UnsafeBufferPointer<Float>) -> [Double] {
        network(experts, input: input)
    }

    /// `FFN_expert(input)` given `shared = N_shared(input)`, in double precision.
    public func output(expert: Int, input: UnsafeBufferPointer<Float>, shared: [Double]) -> [Double] {
        let own = network(expert, input: input)
        let a = similarity.squareRoot(), b = (1 - similarity).squareRoot()
        return (0..<dimension).map { a * shared[$0] + b * own[$0] }
    }

    /// `FFN_expert(input)`.
    public func output(expert: Int, input: UnsafeBufferPointer<Float>) -> [Double] {
        output(expert: expert, input: input, shared: shared(input: input))
    }

    /// `W2 gelu(W1 x + b1)` of one network.
    private func network(_ index: Int, input: UnsafeBufferPointer<Float>) -> [Double] {
        let d = dimension, h = width
        var inner = [Double](repeating: 0, count: h)
        for j in 0..<h {
            var sum = Double(b1[index * h + j])
            let row = (index * h + j) * d
            for i in 0..<d { sum += Double(w1[row + i]) * Double(input[i]) }
            inner[j] = Self.gelu(sum)
        }
        var out = [Double](repeating: 0, count: d)
        for i in 0..<d {
            var sum = 0.0
            let row = (index * d + i) * h
            for j in 0..<h { sum += Double(w2[row + j]) * inner[j] }
            out[i] = sum
        }
        return out
    }

    /// GELU, tanh form.
    static func gelu(_ x: Double) -> Double {
        0.5 * x * (1 + tanh(0.797_884_560_802_865_4 * (x + 0.044_715 * x * x * x)))
    }
}
