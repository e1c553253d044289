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
    /// Both weight matrices are kept transposed (drawn in the order above, then stored input-major),
    /// so one pass over an input walks eight outputs' weights side by side: each output's sum still
    /// adds its terms in the same order, so the figures are bit for bit those of one sum at a time.
    private let w1: [Float]   // (experts + 1) x dimension x width  (W1 transposed)
    private let b1: [Float]   // (experts + 1) x width
    private let w2: [Float]   // (experts + 1) x width x dimension  (W2 transposed)

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
        w1 = Self.transposed(draw(1, count: width * dimension, scale: 1 / Float(dimension).squareRoot()),
                             networks: networks, rows: width, columns: dimension)
        b1 = draw(2, count: width, scale: 0.1)
        w2 = Self.transposed(draw(3, count: dimension * width, scale: 1 / Float(width).squareRoot()),
                             networks: networks, rows: dimension, columns: width)
    }

    /// Each network's `rows x columns` block stored `columns x rows`.
    private static func transposed(_ values: [Float], networks: Int, rows: Int, columns: Int) -> [Float] {
        var out = [Float](repeating: 0, count: values.count)
        for network in 0..<networks {
            let base = network * rows * columns
            for r in 0..<rows {
                for c in 0..<columns { out[base + c * rows + r] = values[base + r * columns + c] }
            }
        }
        return out
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
        w1.withUnsafeBufferPointer { w in
            b1.withUnsafeBufferPointer { b in
                inner.withUnsafeMutableBufferPointer { out in
                    Self.affine(w, offset: index * d * h, bias: b, biasOffset: index * h,
                                input: { Double(input[$0]) }, inputs: d, outputs: h, into: out)
                }
            }
        }
        for j in 0..<h { inner[j] = Self.gelu(inner[j]) }
        var out = [Double](repeating: 0, count: d)
        w2.withUnsafeBufferPointer { w in
            out.withUnsafeMutableBufferPointer { result in
                Self.affine(w, offset: index * h * d, bias: nil, biasOffset: 0,
                            input: { inner[$0] }, inputs: h, outputs: d, into: result)
            }
        }
        return out
    }

    /// `out[o] = bias[o] + sum over i in order of w[i][o] * input(i)` for a transposed `w`
    /// (`inputs x outputs` from `offset`), eight outputs at a time, each sum in input order.
    private static func affine(_ w: UnsafeBufferPointer<Float>, offset: Int, bias: UnsafeBufferPointer<Float>?,
                               biasOffset: Int, input: (Int) -> Double, inputs: Int, outputs: Int,
                               into out: UnsafeMutableBufferPointer<Double>) {
        let lanes = SIMD8<Double>.scalarCount
        var o = 0
        while o + lanes <= outputs {
            var sum = SIMD8<Double>()
            if let bias { for lane in 0..<lanes { sum[lane] = Double(bias[biasOffset + o + lane]) } }
            for i in 0..<inputs {
                let row = offset + i * outputs + o
                var weights = SIMD8<Double>()
                for lane in 0..<lanes { weights[lane] = Double(w[row + lane]) }
                sum += weights * SIMD8(repeating: input(i))
            }
            for lane in 0..<lanes { out[o + lane] = sum[lane] }
            o += lanes
        }
        while o < outputs {
            var sum = bias.map { Double($0[biasOffset + o]) } ?? 0
            for i in 0..<inputs { sum += Double(w[offset + i * outputs + o]) * input(i) }
            out[o] = sum
            o += 1
        }
    }

    /// GELU, tanh form.
    static func gelu(_ x: Double) -> Double {
        0.5 * x * (1 + tanh(0.797_884_560_802_865_4 * (x + 0.044_715 * x * x * x)))
    }
}
