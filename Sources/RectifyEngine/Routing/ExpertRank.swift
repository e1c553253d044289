/// An expert's rank in a token's ranking (1 = top choice): one plus the experts ahead of it, a
/// higher logit or the same logit at a lower index (spec section 1).
///
/// Only IR tokens need it, but their best local expert sits anywhere in the ranking, so it takes
/// the whole row. The tie rule becomes one comparison per expert: `>=` before the expert's index,
/// `>` from it on; four lanes at a time (a scalar loop cost about a tenth of the router's
/// instructions on the e64 bench shape).
enum ExpertRank {
    @inline(__always)
    static func of(_ expert: Int, logit value: Float, row: ReadBuffer<Float>) -> Int {
        let e = row.count
        let target = SIMD4<Float>(repeating: value)
        var ahead = SIMD4<Int32>.zero
        var count = 0
        var x = 0
        // A true lane is all ones, -1: subtracting the mask counts it.
        while x &+ 4 <= expert {
            ahead &-= unsafeBitCast(row.load(SIMD4<Float>.self, at: x) .>= target, to: SIMD4<Int32>.self)
            x &+= 4
        }
        while x < expert {
            count &+= Int(unsafeBitCast(row[x] >= value, to: UInt8.self))
            x &+= 1
        }
        while x &+ 4 <= e {
            ahead &-= unsafeBitCast(row.load(SIMD4<Float>.self, at: x) .> target, to: SIMD4<Int32>.self)
            x &+= 4
        }
        while x < e {
            count &+= Int(unsafeBitCast(row[x] > value, to: UInt8.self))
            x &+= 1
        }
        return count &+ Int(ahead.wrappedSum()) &+ 1
    }
}
