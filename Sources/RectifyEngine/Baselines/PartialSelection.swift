/// Order statistics without sorting.
enum PartialSelection {
    /// The `rank`-th largest value (1-based) of `values`, which it reorders.
    ///
    /// Quickselect with a three-way partition, so columns full of equal scores (identical
    /// tokens in a trace) stay linear instead of quadratic.
    static func largest(_ values: inout [Double], rank: Int) -> Double {
        precondition(rank >= 1 && rank <= values.count, "rank out of range")
        let target = rank - 1
        return values.withUnsafeMutableBufferPointer { v -> Double in
            var low = 0
            var high = v.count - 1
            while low < high {
                let a = v[low], b = v[low + (high - low) / 2], c = v[high]
                let pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b))
                // [low, above) > pivot, [above, next) == pivot, (below, high] < pivot.
                var above = low, next = low, below = high
                while next <= below {
                    if v[next] > pivot {
                        v.swapAt(above, next)
                        above += 1
                        next += 1
                    } else if v[next] < pivot {
                        v.swapAt(next, below)
                        below -= 1
                    } else {
                        next += 1
                    }
                }
                if target < above {
                    high = above - 1
                } else if target > below {
                    low = below + 1
                } else {
                    return pivot
                }
            }
            return v[target]
        }
    }
}
