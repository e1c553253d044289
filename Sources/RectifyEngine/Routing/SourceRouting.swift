/// Stage two, per source GPU: capacity and drops, then IR and FR on that GPU's tokens.
///
/// Capacity is per (source GPU, expert) and IR stays on the token's GPU, so GPUs are independent.
enum SourceRouting {
    static func run(gpu g: Int, plan: StepPlan, buffers: TokenBuffers, logits: ReadBuffer<Float>,
                    outputs: GpuOutputs, scratch: WorkerScratch) {
        let e = plan.experts
        let k = plan.topK
        let c = plan.capacity
        let firstToken = g * plan.tokensPerGPU
        let tokens = firstToken..<(firstToken + plan.tokensPerGPU)
        let requestedRow = outputs.requested.slice(g * e, e)
        let keptRow = outputs.kept.slice(g * e, e)
        let filledRow = outputs.filled.slice(g * e, e)
        var tally = SourceTally()

        // Requests per expert; the matrix rows start zeroed.
        let choices = buffers.choices.slice(firstToken &* k, plan.tokensPerGPU &* k)
        for i in 0..<(plan.tokensPerGPU &* k) { requestedRow[Int(choices[i])] &+= 1 }
        let droppedMass = dropOverflow(tokens: tokens, plan: plan, buffers: buffers, requestedRow: requestedRow, scratch: scratch)
        let localExperts = (g * plan.expertsPerGPU)..<((g + 1) * plan.expertsPerGPU)
        for x in 0..<e {
            let keptHere = min(requestedRow[x], Int32(truncatingIfNeeded: c))
            keptRow[x] = keptHere
            tally.dropped += Int(requestedRow[x] - keptHere)
            if !localExperts.contains(x) { tally.crossKept += Int(keptHere) }
        }
        tallyRequestedMass(tokens: tokens, plan: plan, buffers: buffers, tally: &tally)
        tally.gateMass.kept -= Double(droppedMass)
        if plan.computeIR {
            rectifyIntraGPU(tokens: tokens, localExperts: localExperts, plan: plan, buffers: buffers,
                            logits: logits, outputs: outputs, recoveredRow: outputs.recovered?.slice(g * e, e),
                            scratch: scratch, tally: &tally)
        }
        if plan.computeFR {
            fillIn(tokens: tokens, plan: plan, buffers: buffers, keptRow: keptRow, filledRow: filledRow, scratch: scratch)
            for x in 0..<e where !localExperts.contains(x) { tally.crossFilled += Int(filledRow[x]) }
            tallyFillInMass(tokens: tokens, plan: plan, buffers: buffers, tally: &tally)
        }
        // Branch-free counts: a token is lost when every choice dropped; each rectification may take it.
        var lostCount = 0, irCount = 0, frCount = 0, bothCount = 0
        let wholeDrop = UInt8(truncatingIfNeeded: k)
        for t in tokens {
            let lost = buffers.dropCount[t] == wholeDrop ? 1 : 0
            let rectified = buffers.irExpert[t] >= 0 ? 1 : 0
            let filled = Int(buffers.filledFlag[t])
            lostCount &+= lost
            irCount &+= lost & rectified
            frCount &+= lost & filled
            bothCount &+= lost & rectified & filled
        }
        tally.wholeDrops += lostCount
        tally.wholeDropsTakenByIR += irCount
        tally.wholeDropsTakenByFR += frCount
        tally.wholeDropsTakenByBoth += bothCount
        outputs.tallies[g] = tally
    }

    /// The top-k mass the tokens asked for; the kept part is this less what `dropOverflow` dropped.
    private static func tallyRequestedMass(tokens: Range<Int>, plan: StepPlan, buffers: TokenBuffers,
                                           tally: inout SourceTally) {
        let first = tokens.lowerBound &* plan.topK
        let end = tokens.upperBound &* plan.topK
        // Four running sums side by side: one sum would wait on each addition in turn.
        var lanes = SIMD4<Float>.zero
        var i = first
        while i &+ 4 <= end {
            lanes += buffers.choiceProbability.load(SIMD4<Float>.self, at: i)
            i &+= 4
        }
        var requested = lanes.sum()
        while i < end {
            requested += buffers.choiceProbability[i]
            i &+= 1
        }
        tally.gateMass.requested += Double(requested)
        tally.gateMass.kept += Double(requested)
    }

    /// FR's mass: each filled token's `p[t][next(t)]`; `next(t)` is rank `k + 1` by definition.
    private static func tallyFillInMass(tokens: Range<Int>, plan: StepPlan, buffers: TokenBuffers,
                                        tally: inout SourceTally) {
        var mass: Float = 0
        var count = 0
        for t in tokens {
            let flag = buffers.filledFlag[t]
            mass += buffers.nextProbability[t] * Float(flag)
            count &+= Int(flag)
        }
        tally.gateMass.fillIn += Double(mass)
        tally.gateMass.fillInRanks.add(rank: plan.topK + 1, count: count)
    }

    /// Marks the requests each over-full expert drops, by the drop policy's order; returns their gate mass.
    private static func dropOverflow(tokens: Range<Int>, plan: StepPlan, buffers: TokenBuffers,
                                     requestedRow: SharedBuffer<Int32>, scratch: WorkerScratch) -> Float {
        let e = plan.experts
        let k = plan.topK
        let c = Int32(truncatingIfNeeded: plan.capacity)
        let start = scratch.bucketStart.all
        let cursor = scratch.bucketCursor.all
        let step = scratch.expertStep.all
        var total: Int32 = 0
        for x in 0..<e {
            if requestedRow[x] > c {
                start[x] = total
                cursor[x] = total
                step[x] = 1
                total += requestedRow[x]
            } else {
                start[x] = -1
                step[x] = 0
            }
        }
        guard total > 0 else { return 0 }
        // Requests to experts with room write their key into one spare slot past the buckets and do
        // not advance: no branch on whether the expert overflowed (unpredictable).
        for x in 0..<e where step[x] == 0 { cursor[x] = total }
        let keys = scratch.keys.all
        @inline(__always) func bucketKeys(_ key: (_ token: Int, _ choice: Int) -> UInt64) {
            for t in tokens {
                let base = t &* k
                for r in 0..<k {
                    let x = Int(buffers.choices[base &+ r])
                    let slot = cursor[x]
                    keys[Int(slot)] = key(t, r)
                    cursor[x] = slot &+ step[x]
                }
            }
        }
        switch plan.dropPolicy {
        case .score:
            let probability = buffers.choiceProbability
            bucketKeys { t, r in FastMath.descendingKey(probability: probability[t &* k &+ r], token: t) }
        case .position:
            bucketKeys { t, _ in UInt64(t) }
        case .choice:
            bucketKeys { t, r in UInt64(r) << 32 | UInt64(t) }
        }
        var droppedMass: Float = 0
        for x in 0..<e where start[x] >= 0 {
            let count = Int(requestedRow[x])
            let bucket = keys.slice(Int(start[x]), count)
            FastMath.selectSmallest(bucket, k: Int(c))
            for i in Int(c)..<count {
                let t = Int(bucket[i] & 0xFFFF_FFFF)
                // Which of its choices this is, without a branch (the position is unpredictable).
                for r in 0..<k {
                    let slot = t &* k &+ r
                    let hit = buffers.choices[slot] == Int32(truncatingIfNeeded: x)
                    buffers.droppedFlag[slot] |= unsafeBitCast(hit, to: UInt8.self)
                    droppedMass += hit ? buffers.choiceProbability[slot] : 0
                }
                buffers.dropCount[t] &+= 1
            }
        }
        return droppedMass
    }

    /// IR: each token with drops goes to its best local expert that did not keep it (spec section 4).
    private static func rectifyIntraGPU(tokens: Range<Int>, localExperts: Range<Int>,
                                        plan: StepPlan, buffers: TokenBuffers, logits: ReadBuffer<Float>,
                                        outputs: GpuOutputs, recoveredRow: SharedBuffer<Int32>?,
                                        scratch: WorkerScratch, tally: inout SourceTally) {
        let k = plan.topK
        let marks = scratch.marks.all
        let keys = scratch.keys.all
        let m = localExperts.count
        let firstLocal = localExperts.lowerBound
        var candidates = 0
        // The tokens with drops first, in order and without a branch: testing each token in the
        // loop below mispredicted for many of them (which tokens dropped is random).
        let dropped = scratch.droppedTokens.all
        var listed = 0
        for t in tokens {
            dropped[listed] = Int32(truncatingIfNeeded: t)
            listed &+= Int(truncatingIfNeeded: unsafeBitCast(buffers.dropCount[t] != 0, to: UInt8.self))
        }
        for i in 0..<listed {
            let t = Int(dropped[i])
            let drops = Int(buffers.dropCount[t])
            for r in 0..<k where buffers.droppedFlag[t * k + r] == 0 { marks[Int(buffers.choices[t * k + r])] = 1 }
            // The token scan copied this GPU's logits of the token into a compact, sequential buffer
            // (the full row would be a cache miss by now).
            let local = buffers.localLogits.slice(t &* m, m)
            var best = -1
            var bestValue: Float = 0
            for x in localExperts where marks[x] == 0 {
                let value = local[x &- firstLocal]
                if best < 0 || value > bestValue {
                    best = x
                    bestValue = value
                }
            }
            for r in 0..<k { marks[Int(buffers.choices[t * k + r])] = 0 }
            guard best >= 0 else { continue }
            if plan.irCapacity == nil {
                accept(token: t, expert: best, logit: bestValue, drops: drops, plan: plan, buffers: buffers,
                       logits: logits, outputs: outputs, recoveredRow: recoveredRow, tally: &tally)
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
        let counts = scratch.counts.all
        let start = scratch.bucketStart.all
        let cursor = scratch.bucketCursor.all
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
        let grouped = keys.slice(candidates, candidates)
        for i in 0..<candidates {
            let local = Int(buffers.irExpert[Int(keys[i] & 0xFFFF_FFFF)]) - localExperts.lowerBound
            grouped[Int(cursor[local])] = keys[i]
            cursor[local] += 1
        }
        for i in 0..<m {
            let count = Int(counts[i])
            let bucket = grouped.slice(Int(start[i]), count)
            FastMath.selectSmallest(bucket, k: limit)
            for j in 0..<count {
                let t = Int(bucket[j] & 0xFFFF_FFFF)
                if j < limit {
                    let drops = Int(buffers.dropCount[t])
                    let logit = buffers.localLogits[t &* m &+ i]
                    accept(token: t, expert: localExperts.lowerBound + i, logit: logit, drops: drops, plan: plan,
                           buffers: buffers, logits: logits, outputs: outputs, recoveredRow: recoveredRow, tally: &tally)
                } else {
                    buffers.irExpert[t] = -1
                }
            }
        }
    }

    /// Records an IR token, with its expert's probability and rank for the gate-mass figures, and
    /// the experts that dropped it in `recoveredRow` (its source GPU's row).
    @inline(__always)
    private static func accept(token t: Int, expert: Int, logit: Float, drops: Int, plan: StepPlan,
                               buffers: TokenBuffers, logits: ReadBuffer<Float>, outputs: GpuOutputs,
                               recoveredRow: SharedBuffer<Int32>?, tally: inout SourceTally) {
        buffers.irExpert[t] = Int32(truncatingIfNeeded: expert)
        outputs.irPerExpert[expert] += 1
        tally.recovered += drops
        if let recoveredRow {
            for r in 0..<plan.topK where buffers.droppedFlag[t &* plan.topK &+ r] != 0 {
                recoveredRow[Int(buffers.choices[t &* plan.topK &+ r])] += 1
            }
        }
        tally.irTokens += 1
        let probability = FastMath.exp(logit - buffers.rowShift[t]) * buffers.rowInverseSum[t]
        tally.gateMass.intraGPU += Double(probability)
        let rank = ExpertRank.of(expert, logit: logit, row: logits.slice(t &* plan.experts, plan.experts))
        tally.gateMass.intraGPURanks.add(rank: rank)
    }

    /// FR: padding slots of (GPU, expert) take the tokens whose next-best choice is that expert.
    private static func fillIn(tokens: Range<Int>, plan: StepPlan, buffers: TokenBuffers,
                               keptRow: SharedBuffer<Int32>, filledRow: SharedBuffer<Int32>,
                               scratch: WorkerScratch) {
        let e = plan.experts
        let c = Int32(truncatingIfNeeded: plan.capacity)
        let counts = scratch.counts.all
        let start = scratch.bucketStart.all
        let cursor = scratch.bucketCursor.all
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
        // Branch-free per token: experts whose padding takes every candidate flag it directly; over-full
        // ones bucket its key; the rest write into a spare slot past the buckets without advancing.
        let direct = scratch.expertFlag.all
        let step = scratch.expertStep.all
        for x in 0..<e {
            let bucketed = start[x] >= 0
            direct[x] = filledRow[x] > 0 && !bucketed ? 1 : 0
            step[x] = bucketed ? 1 : 0
            if !bucketed { cursor[x] = total }
        }
        let keys = scratch.keys.all
        for t in tokens {
            let x = Int(buffers.nextExpert[t])
            guard x >= 0 else { continue }
            buffers.filledFlag[t] = direct[x]
            let slot = cursor[x]
            keys[Int(slot)] = FastMath.descendingKey(probability: buffers.nextProbability[t], token: t)
            cursor[x] = slot &+ step[x]
        }
        for x in 0..<e where start[x] >= 0 {
            let bucket = keys.slice(Int(start[x]), Int(counts[x]))
            let winners = Int(filledRow[x])
            FastMath.selectSmallest(bucket, k: winners)
            for i in 0..<winners { buffers.filledFlag[Int(bucket[i] & 0xFFFF_FFFF)] = 1 }
        }
    }
}
