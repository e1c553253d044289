/// Stage one, per token: the ranking's first `k+1` experts and the softmax probabilities of those.
enum TokenScan {
    static func run(_ range: Range<Int>, logits: SharedPointer<Float>, plan: StepPlan,
                    buffers: TokenBuffers, scratch: WorkerScratch) {
        let e = plan.experts
        let k = plan.topK
        let ranked = plan.rankedChoices
        let topIndex = scratch.topIndex.base
        let topValue = scratch.topValue.base
        for t in range {
            let row = logits.advanced(by: t * e)
            // Insertion into a short sorted list; strict comparisons keep the lower index first on ties.
            var filled = 0
            for x in 0..<e {
                let v = row[x]
                var j: Int
                if filled == ranked {
                    if !(v > topValue[ranked - 1]) { continue }
                    j = ranked - 1
                } else {
                    j = filled
                    filled += 1
                }
                while j > 0 && topValue[j - 1] < v {
                    topValue[j] = topValue[j - 1]
                    topIndex[j] = topIndex[j - 1]
                    j -= 1
                }
                topValue[j] = v
                topIndex[j] = Int32(truncatingIfNeeded: x)
            }
            let peak = topValue[0]
            let inverseSum = 1 / exponentialSum(row, count: e, shift: peak)
            buffers.rowMax[t] = peak
            buffers.rowInverseSum[t] = inverseSum
            let base = t * k
            for r in 0..<k {
                buffers.choices[base + r] = topIndex[r]
                buffers.choiceProbability[base + r] = FastMath.expNonPositive(topValue[r] - peak) * inverseSum
                buffers.droppedFlag[base + r] = 0
            }
            if ranked > k {
                buffers.nextExpert[t] = topIndex[k]
                buffers.nextProbability[t] = FastMath.expNonPositive(topValue[k] - peak) * inverseSum
            } else {
                buffers.nextExpert[t] = -1
                buffers.nextProbability[t] = 0
            }
            buffers.irExpert[t] = -1
            buffers.filledFlag[t] = 0
        }
    }

    /// `sum(exp(row[x] - shift))`, in eight independent lanes so the loop vectorises.
    @inline(__always)
    static func exponentialSum(_ row: UnsafeMutablePointer<Float>, count: Int, shift: Float) -> Float {
        var lanes = SIMD8<Float>(repeating: 0)
        var x = 0
        while x + 8 <= count {
            var chunk = SIMD8<Float>(repeating: 0)
            for lane in 0..<8 { chunk[lane] = FastMath.expNonPositive(row[x + lane] - shift) }
            lanes += chunk
            x += 8
        }
        var total = lanes.sum()
        while x < count {
            total += FastMath.expNonPositive(row[x] - shift)
            x += 1
        }
        return total
    }
}
