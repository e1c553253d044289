import Foundation

/// The plain top-k gate: a token's ranking and its combination weights with nothing dropped.
///
/// The weights follow spec section 6 with `S(t) = topk(t)` and are computed exactly as
/// `CombinationWeights` computes them (same shift, same summation order), so a mode that drops
/// nothing matches the dropless reference bit for bit and its output error is exactly 0.
enum TopKGate {
    /// Writes the first `k` experts of the ranking to `top[0..<k]` (which must have room): logit
    /// descending, ties to the lower expert index (a later equal logit never moves ahead).
    @inline(__always)
    static func topK(_ row: UnsafeBufferPointer<Float>, k: Int, into top: UnsafeMutableBufferPointer<Int>) {
        var filled = 0
        for x in 0..<row.count {
            let value = row[x]
            var slot: Int
            if filled == k {
                guard value > row[top[k - 1]] else { continue }
                slot = k - 1
            } else {
                slot = filled
                filled += 1
            }
            while slot > 0 && value > row[top[slot - 1]] {
                top[slot] = top[slot - 1]
                slot -= 1
            }
            top[slot] = x
        }
    }

    /// The first `k` experts of the ranking.
    static func topK(_ row: UnsafeBufferPointer<Float>, k: Int) -> [Int] {
        let count = min(k, row.count)
        return [Int](unsafeUninitializedCapacity: count) { buffer, initialized in
            topK(row, k: count, into: buffer)
            initialized = count
        }
    }

    /// Weights of `choices` (ranking order) with nothing dropped: `exp(a_j) / sum over choices`
    /// for `topk` normalization, `p[t][j]` for `softmax`; exponentials relative to the row's
    /// maximum, summed from 0 in choice order (`softmax`: in expert order), as `CombinationWeights` does.
    static func weights(choices: [Int], row: UnsafeBufferPointer<Float>, normalization: GateNormalization) -> [Double] {
        guard let first = choices.first else { return [] }
        let peak = Double(row[first])
        let exps = choices.map { exp(Double(row[$0]) - peak) }
        let z: Double
        switch normalization {
        case .softmax: z = row.reduce(0) { $0 + exp(Double($1) - peak) }
        case .topk: z = exps.reduce(0, +)
        }
        return exps.map { $0 / z }
    }

    /// `sum of p[t][x]` over `experts`, full-softmax probabilities in double precision.
    static func probabilityMass(_ row: UnsafeBufferPointer<Float>, experts: UnsafeBufferPointer<Int>) -> Double {
        let peak = Double(row.max() ?? 0)
        var total = 0.0
        for value in row { total += exp(Double(value) - peak) }
        guard total > 0 else { return 0 }
        return experts.reduce(0) { $0 + exp(Double(row[$1]) - peak) } / total
    }
}
