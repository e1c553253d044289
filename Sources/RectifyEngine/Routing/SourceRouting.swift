/// Stage two, per source GPU: capacity and drops, then IR and FR on that GPU's tokens.
///
/// Capacity is per (source GPU, expert) and IR stays on the token's GPU, so GPUs are independent.
enum SourceRouting {
    static func run(gpu g: Int, logits: SharedPointer<Float>, plan: StepPlan, buffers: TokenBuffers,
                    outputs: GpuOutputs, scratch: WorkerScratch) {
        let e = plan.experts
        let k = plan.topK
        let c = plan.capacity
        let firstToken = g * plan.tokensPerGPU
        let tokens = firstToken..<(firstToken + plan.tokensPerGPU)
        let requestedRow = outputs.requested.advanced(by: g * e)
        let keptRow = outputs.kept.advanced(by: g * e)
        let filledRow = outputs.filled.advanced(by: g * e)
        var tally = SourceTally()

        // Requests per expert; the matrix rows start zeroed.
        for t in tokens {
            for r in 0..<k { requestedRow[Int(buffers.choices[t * k + r])] += 1 }
        }
        dropOverflow(tokens: tokens, plan: plan, buffers: buffers, requestedRow: requestedRow, scratch: scratch)
        let localExperts = (g * plan.expertsPerGPU)..<((g + 1) * plan.expertsPerGPU)
        for x in 0..<e {
            let keptHere = min(requestedRow[x], Int32(truncatingIfNeeded: c))
            keptRow[x] = keptHere
            tally.dropped += Int(requestedRow[x] - keptHere)
            if !localExperts.contains(x) { tally.crossKept += Int(keptHere) }
        }
        if plan.computeIR {
            rectifyIntraGPU(tokens: tokens, localExperts: localExperts, logits: logits, plan: plan,
                            buffers: buffers, outputs: outputs, scratch: scratch, tally: &tally)
        }
        if plan.computeFR {
            fillIn(tokens: tokens, plan: plan, buffers: buffers, keptRow: keptRow, filledRow: filledRow, scratch: scratch)
            for x in 0..<e where !localExperts.contains(x) { tally.crossFilled += Int(filledRow[x]) }
        }
        for t in tokens {
            var drops = 0
            for r in 0..<k { drops += Int(buffers.droppedFlag[t * k + r]) }
            let vanilla = drops < k
            let rectified = buffers.irExpert[t] >= 0
            let filled = buffers.filledFlag[t] != 0
            if vanilla { tally.coveredVanilla += 1 }
            if vanilla || rectified { tally.coveredIR += 1 }
            if vanilla || filled { tally.coveredFR += 1 }
            if vanilla || rectified || filled { tally.coveredBoth += 1 }
        }
        outputs.tallies[g] = tally
    }

    /// Marks the requests each over-full expert drops, by the drop policy's order.
    private static func dropOverflow(tokens: Range<Int>, plan: StepPlan, buffers: TokenBuffers,
                                     requestedRow: UnsafeMutablePointer<Int32>, scratch: WorkerScratch) {
        let e = plan.experts
        let k = plan.topK
        let c = Int32(truncatingIfNeeded: plan.capacity)
        let start = scratch.bucketStart.base
        let cursor = scratch.bucketCursor.base
        var total: Int32 = 0
        for x in 0..<e {
            if requestedRow[x] > c {
                start[x] = total
                cursor[x] = total
                total += requestedRow[x]
            } else {
                start[x] = -1
            }
        }
        guard total > 0 else { return }
        let keys = scratch.keys.base
        for t in tokens {
            for r in 0..<k {
                let x = Int(buffers.choices[t * k + r])
                guard start[x] >= 0 else { continue }
                let key: UInt64
                switch plan.dropPolicy {
                case .score: key = FastMath.descendingKey(probability: buffers.choiceProbability[t * k + r], token: t)
                case .position: key = UInt64(t)
                case .choice: key = UInt64(r) << 32 | UInt64(t)
                }
                keys[Int(cursor[x])] = key
                cursor[x] += 1
            }
        }
        for x in 0..<e where start[x] >= 0 {
            let bucket = keys + Int(start[x])
            let count = Int(requestedRow[x])
            FastMath.selectSmallest(bucket, count: count, k: Int(c))
            for i in Int(c)..<count {
                let t = Int(bucket[i] & 0xFFFF_FFFF)
                for r in 0..<k where buffers.choices[t * k + r] == Int32(truncatingIfNeeded: x) {
                    buffers.droppedFlag[t * k + r] = 1
                }
            }
        }
    }

    /// IR: each token with drops goes to its best local expert that did not keep it (spec section 4).
    private static func rectifyIntraGPU(tokens: Range<Int>, localExperts: Range<Int>, logits: SharedPointer<Float>,
                                        plan: StepPlan, buffers: TokenBuffers, outputs: GpuOutputs,
                                        scratch: WorkerScratch, tally: inout SourceTally) {
        let e = plan.experts
        let k = plan.topK
        let marks = scratch.marks.base
        let keys = scratch.keys.base
        var candidates = 0
        for t in tokens {
            var drops = 0
            for r in 0..<k { drops += Int(buffers.droppedFlag[t * k + r]) }
            guard drops > 0 else { continue }
            for r in 0..<k where buffers.droppedFlag[t * k + r] == 0 { marks[Int(buffers.choices[t * k + r])] = 1 }
            let row = logits.advanced(by: t * e)
            var best = -1
            var bestValue: Float = 0
            for x in localExperts where marks[x] == 0 {
                if best < 0 || row[x] > bestValue {
                    best = x
                    bestValue = row[x]
                }
            }
            for r in 0..<k { marks[Int(buffers.choices[t * k + r])] = 0 }
            guard best >= 0 else { continue }
            if plan.irCapacity == nil {
                accept(token: t, expert: best, drops: drops, buffers: buffers, outputs: outputs, tally: &tally)
            } else {
                // Park the candidate: expert in the high bits' place is not needed, the token finds it again.
                buffers.irExpert[t] = Int32(truncatingIfNeeded: best)
                let probability = FastMath.exp(bestValue - buffers.rowShift[t]) * buffers.rowInverseSum[t]
                keys[candidates] = FastMath.descendingKey(probability: probability, token: t)
                candidates += 1
            }
        }
        guard let limit = plan.irCapacity, candidates > 0 else { return }
        // Group parked candidates by their expert, keep the best `limit` of each.
        let m = localExperts.count
        let counts = scratch.counts.base
        let start = scratch.bucketStart.base
        let cursor = scratch.bucketCursor.base
        for i in 0..<m { counts[i] = 0 }
        for i in 0..<candidates {
            counts[Int(buffers.irExpert[Int(keys[i] & 0xFFFF_FFFF)]) - localExperts.lowerBound] += 1
        }
        var total: Int32 = 0
        for i in 0..<m {
            start[i] = total
            cursor[i] = total
            total += counts[i]
        }
        // The second half of the key area holds the grouped copy.
        let grouped = keys + candidates
        for i in 0..<candidates {
            let local = Int(buffers.irExpert[Int(keys[i] & 0xFFFF_FFFF)]) - localExperts.lowerBound
            grouped[Int(cursor[local])] = keys[i]
            cursor[local] += 1
        }
        for i in 0..<m {
            let bucket = grouped + Int(start[i])
            let count = Int(counts[i])
            FastMath.selectSmallest(bucket, count: count, k: limit)
            for j in 0..<count {
                let t = Int(bucket[j] & 0xFFFF_FFFF)
                if j < limit {
                    var drops = 0
                    for r in 0..<k { drops += Int(buffers.droppedFlag[t * k + r]) }
                    accept(token: t, expert: localExperts.lowerBound + i, drops: drops, buffers: buffers,
                           outputs: outputs, tally: &tally)
                } else {
                    buffers.irExpert[t] = -1
                }
            }
        }
    }

    @inline(__always)
    private static func accept(token t: Int, expert: Int, drops: Int, buffers: TokenBuffers,
                               outputs: GpuOutputs, tally: inout SourceTally) {
        buffers.irExpert[t] = Int32(truncatingIfNeeded: expert)
        outputs.irPerExpert[expert] += 1
        tally.recovered += drops
        tally.irTokens += 1
    }

    /// FR: padding slots of (GPU, expert) take the tokens whose next-best choice is that expert.
    private static func fillIn(tokens: Range<Int>, plan: StepPlan, buffers: TokenBuffers,
                               keptRow: UnsafeMutablePointer<Int32>, filledRow: UnsafeMutablePointer<Int32>,
                               scratch: WorkerScratch) {
        let e = plan.experts
        let c = Int32(truncatingIfNeeded: plan.capacity)
        let counts = scratch.counts.base
        let start = scratch.bucketStart.base
        let cursor = scratch.bucketCursor.base
        for x in 0..<e { counts[x] = 0 }
        for t in tokens {
            let x = Int(buffers.nextExpert[t])
            if x >= 0 { counts[x] += 1 }
        }
        var total: Int32 = 0
        for x in 0..<e {
            let padding = c - keptRow[x]
            filledRow[x] = min(padding, counts[x])
            if counts[x] > padding && padding > 0 {
                start[x] = total
                cursor[x] = total
                total += counts[x]
            } else {
                start[x] = -1
            }
        }
        let keys = scratch.keys.base
        for t in tokens {
            let x = Int(buffers.nextExpert[t])
            guard x >= 0, filledRow[x] > 0 else { continue }
            if start[x] < 0 {
                buffers.filledFlag[t] = 1
            } else {
                keys[Int(cursor[x])] = FastMath.descendingKey(probability: buffers.nextProbability[t], token: t)
                cursor[x] += 1
            }
        }
        for x in 0..<e where start[x] >= 0 {
            let bucket = keys + Int(start[x])
            let winners = Int(filledRow[x])
            FastMath.selectSmallest(bucket, count: Int(counts[x]), k: winners)
            for i in 0..<winners { buffers.filledFlag[Int(bucket[i] & 0xFFFF_FFFF)] = 1 }
        }
    }
}
