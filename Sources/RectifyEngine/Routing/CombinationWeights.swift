import Foundation

/// The weights that combine a token's expert outputs (spec section 6).
///
/// Kept off the router's hot path: only fidelity measurements and tests need per-token weights.
public enum CombinationWeights {
    /// Why an expert computes the token.
    public enum Role: String, Sendable, Equatable {
        case kept, intraGPU, fillIn
    }

    public struct Term: Sendable, Equatable {
        public var expert: Int
        public var weight: Double
        public var role: Role
    }

    /// The experts computing `token` under `mode`, with their weights (kept, then IR, then FR).
    public static func weights(token t: Int, logits row: [Float], routing: TokenRouting,
                               mode: RectifyMode, normalization: GateNormalization) -> [Term] {
        let peak = Double(row.max() ?? 0)
        let exps = row.map { exp(Double($0) - peak) }
        let total = exps.reduce(0, +)
        let kept = routing.keptExperts(of: t)
        let dropped = routing.droppedExperts(of: t)
        let ir = Int(routing.irExpert[t])
        let recovered = mode.usesIR && ir >= 0 && !dropped.isEmpty
        let next = Int(routing.next[t])
        let filled = mode.usesFR && next >= 0 && routing.filled[t]

        var terms: [(expert: Int, multiplicity: Double, role: Role)] = kept.map { ($0, 1, .kept) }
        if recovered { terms.append((ir, Double(dropped.count), .intraGPU)) }
        if filled { terms.append((next, 1, .fillIn)) }

        let z: Double
        switch normalization {
        case .softmax:
            z = total
        case .topk:
            var sum = kept.reduce(0) { $0 + exps[$1] }
            sum += recovered ? Double(dropped.count) * exps[ir] : dropped.reduce(0) { $0 + exps[$1] }
            if filled { sum += exps[next] }
            z = sum
        }
        return terms.map { Term(expert: $0.expert, weight: $0.multiplicity * exps[$0.expert] / z, role: $0.role) }
    }
}
