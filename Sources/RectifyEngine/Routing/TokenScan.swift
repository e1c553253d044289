/// Stage one, per token: the ranking's first `k+1` experts and the softmax probabilities of those.
enum TokenScan {
    static func run(_ range: Range<Int>, logits: ReadBuffer<Float>, plan: StepPlan,
                    buffers: TokenBuffers, scratch: WorkerScratch) {
        let e = plan.experts
        let ranked = plan.rankedChoices
        let topIndex = scratch.topIndex.all
        let topValue = scratch.topValue.all
        let terms = scratch.terms.all
        let writer = TokenWriter(plan: plan, buffers: buffers)
        var local = LocalExpertCursor(first: range.lowerBound, plan: plan)
        guard e >= 8 && ranked <= 8 else {
            for t in range {
                let row = logits.slice(t * e, e)
                let summary = RowSummary.scan(row, ranked: ranked, lanes: scratch.laneMaxima.all, terms: terms)
                RowRanking.insertCandidates(row, ranked: ranked, bound: summary.bound,
                                            flags: scratch.flags.all, topIndex: topIndex, topValue: topValue)
                writer.record(token: t, row: row, summary: summary, terms: terms, topIndex: topIndex, topValue: topValue,
                              local: local.offset(of: t))
            }
            return
        }
        // Rows in groups of four, each step for every row of the group before the next step: the
        // steps of one row form a long dependency chain (exponentials, sums and maxima, bound,
        // candidates), and independent chains side by side keep the processor busy where one row
        // alone would leave it waiting. (Spelled out per row: as a loop over the group it ran slower.)
        var t = range.lowerBound
        while t &+ 4 <= range.upperBound {
            let first = t &* e
            let (row, row1) = (logits.slice(first, e), logits.slice(first &+ e, e))
            let (row2, row3) = (logits.slice(first &+ 2 &* e, e), logits.slice(first &+ 3 &* e, e))
            let (terms0, terms1) = (terms.slice(0, e), terms.slice(e, e))
            let (terms2, terms3) = (terms.slice(2 &* e, e), terms.slice(3 &* e, e))
            // Each row's ranking goes to its own eight slots.
            let (index0, index1, index2, index3) = (topIndex.slice(0, 8), topIndex.slice(8, 8),
                                                    topIndex.slice(16, 8), topIndex.slice(24, 8))
            let (value0, value1, value2, value3) = (topValue.slice(0, 8), topValue.slice(8, 8),
                                                    topValue.slice(16, 8), topValue.slice(24, 8))
            let s0 = LaneScan.exponentialsAndSummary(row, ranked: ranked, terms: terms0)
            let s1 = LaneScan.exponentialsAndSummary(row1, ranked: ranked, terms: terms1)
            let s2 = LaneScan.exponentialsAndSummary(row2, ranked: ranked, terms: terms2)
            let s3 = LaneScan.exponentialsAndSummary(row3, ranked: ranked, terms: terms3)
            LaneScan.insertCandidates(row, ranked: ranked, bound: s0.bound, topIndex: index0, topValue: value0)
            LaneScan.insertCandidates(row1, ranked: ranked, bound: s1.bound, topIndex: index1, topValue: value1)
            LaneScan.insertCandidates(row2, ranked: ranked, bound: s2.bound, topIndex: index2, topValue: value2)
            LaneScan.insertCandidates(row3, ranked: ranked, bound: s3.bound, topIndex: index3, topValue: value3)
            writer.record(token: t, row: row, summary: s0, terms: terms0, topIndex: index0, topValue: value0,
                          local: local.offset(of: t))
            writer.record(token: t &+ 1, row: row1, summary: s1, terms: terms1,
                          topIndex: index1, topValue: value1, local: local.offset(of: t &+ 1))
            writer.record(token: t &+ 2, row: row2, summary: s2, terms: terms2,
                          topIndex: index2, topValue: value2, local: local.offset(of: t &+ 2))
            writer.record(token: t &+ 3, row: row3, summary: s3, terms: terms3,
                          topIndex: index3, topValue: value3, local: local.offset(of: t &+ 3))
            t &+= 4
        }
        while t < range.upperBound {
            let row = logits.slice(t * e, e)
            let summary = LaneScan.scan(row, ranked: ranked, terms: terms, topIndex: topIndex, topValue: topValue)
            writer.record(token: t, row: row, summary: summary, terms: terms, topIndex: topIndex, topValue: topValue,
                          local: local.offset(of: t))
            t &+= 1
        }
    }
}

/// Where a token's own GPU's experts start in its row, for tokens visited in increasing order: one
/// division for a worker's range rather than one per token (a 64-bit division is slow).
struct LocalExpertCursor {
    private let tokensPerGPU: Int
    private let expertsPerGPU: Int
    private var nextGPU: Int
    private var offset: Int

    init(first: Int, plan: StepPlan) {
        tokensPerGPU = plan.tokensPerGPU
        expertsPerGPU = plan.expertsPerGPU
        let gpu = first / plan.tokensPerGPU
        nextGPU = (gpu + 1) * plan.tokensPerGPU
        offset = gpu * plan.expertsPerGPU
    }

    /// The offset for token `t`, at least the previous token asked for.
    @inline(__always)
    mutating func offset(of t: Int) -> Int {
        while t >= nextGPU {
            nextGPU &+= tokensPerGPU
            offset &+= expertsPerGPU
        }
        return offset
    }
}

/// Writes one token's stage-one results from its row summary and ranking.
struct TokenWriter {
    let buffers: TokenBuffers
    let k: Int
    let ranked: Int
    let copyLocal: Bool
    let m: Int
    let experts: Int

    init(plan: StepPlan, buffers: TokenBuffers) {
        self.buffers = buffers
        k = plan.topK
        ranked = plan.rankedChoices
        copyLocal = plan.computeIR
        m = plan.expertsPerGPU
        experts = plan.experts
    }

    @inline(__always)
    func record(token t: Int, row: ReadBuffer<Float>, summary scanned: RowSummary,
                terms: SharedBuffer<Float>, topIndex: SharedBuffer<Int32>,
                topValue: SharedBuffer<Float>, local: Int) {
        var summary = scanned
        // The sum used a cheap shift; when logits span too wide a range, redo it from the peak.
        if !summary.sumIsReliable { summary.resum(row, shift: topValue[0]) }
        let shift = summary.shift
        let inverseSum = 1 / summary.sum
        buffers.rowShift[t] = shift
        buffers.rowInverseSum[t] = inverseSum
        let base = t &* k
        // The row's exponentials are at hand unless the sum had to be redone from the peak.
        let termsHold = summary.termsHold
        for r in 0..<k {
            let x = topIndex[r]
            buffers.choices[base &+ r] = x
            let term = termsHold ? terms[Int(x)] : FastMath.exp(topValue[r] - shift)
            buffers.choiceProbability[base &+ r] = term * inverseSum
            buffers.droppedFlag[base &+ r] = 0
        }
        if ranked > k {
            let x = topIndex[k]
            buffers.nextExpert[t] = x
            let term = termsHold ? terms[Int(x)] : FastMath.exp(topValue[k] - shift)
            buffers.nextProbability[t] = term * inverseSum
        } else {
            buffers.nextExpert[t] = -1
            buffers.nextProbability[t] = 0
        }
        buffers.irExpert[t] = -1
        if copyLocal {
            let source = row.slice(local, m)
            let target = buffers.localLogits.slice(t &* m, m)
            var i = 0
            while i &+ 4 <= m {
                target.store(source.load(SIMD4<Float>.self, at: i), at: i)
                i &+= 4
            }
            while i < m {
                target[i] = source[i]
                i &+= 1
            }
        }
        buffers.dropCount[t] = 0
        buffers.filledFlag[t] = 0
    }
}

/// One pass over a row: strided maxima (a bound for the ranking), the minimum, and the
/// exponential sum relative to the row's first logit.
struct RowSummary {
    var shift: Float = 0
    var sum: Float = 0
    var sumIsReliable = false
    /// Whether the scratch `terms` hold `exp(row[x] - shift)` for this row.
    var termsHold = false
    /// A value no larger than the `ranked`-th largest logit, `-inf` when none was found cheaply.
    var bound = -Float.infinity

    /// Logits within this distance of the shift keep every exponential, and the sum, finite and normal.
    static let safeSpan: Float = 60

    /// Strided maxima: lane `i` holds the maximum of logits `i, i+w, i+2w, ...` (`w` = 8, or 16
    /// when more than eight experts are ranked). The `ranked`-th largest of those is a lower bound
    /// for the `ranked`-th largest logit (they are distinct logits), so only logits at or above it
    /// need the exact insertion.
    @inline(__always)
    static func scan(_ row: ReadBuffer<Float>, ranked: Int,
                     lanes: SharedBuffer<Float>, terms: SharedBuffer<Float>) -> RowSummary {
        let e = row.count
        var summary = RowSummary()
        guard e >= 8 else {
            summary.resum(row, shift: maximum(row))
            return summary
        }
        let width = ranked > 8 && e >= 16 ? 16 : 8
        let covered = width == 8 ? eightStridedMaxima(row, into: lanes)
                                 : sixteenStridedMaxima(row, into: lanes)
        var high = lanes[0]
        for lane in 1..<width { high = larger(high, lanes[lane]) }
        for x in covered..<e { high = larger(high, row[x]) }

        // A plain element-wise loop is what the compiler vectorises best; the sum follows in vector
        // registers.
        let shift = row[0]
        for i in 0..<e { terms[i] = FastMath.exp(row[i] - shift) }
        let total = sumOf(terms.slice(0, e))
        summary.shift = shift
        summary.sum = total
        summary.termsHold = true
        // Terms far below the shift are clamped to e^-87 (negligible); terms far above could overflow.
        summary.sumIsReliable = high - shift <= safeSpan
        if ranked <= width {
            summary.bound = width == 8 ? SortingNetwork.rankedLargestOfEight(lanes, ranked)
                                       : SortingNetwork.rankedLargestOfSixteen(lanes, ranked)
        }
        return summary
    }

    /// The sum of `values` in eight interleaved partial sums (two vector registers).
    @inline(__always)
    static func sumOf(_ values: SharedBuffer<Float>) -> Float {
        let count = values.count
        var low = SIMD4<Float>(), high = SIMD4<Float>()
        var i = 0
        while i &+ 8 <= count {
            low += values.load(SIMD4<Float>.self, at: i)
            high += values.load(SIMD4<Float>.self, at: i &+ 4)
            i &+= 8
        }
        let both = low + high
        var total = (both[0] + both[1]) + (both[2] + both[3])
        while i < count {
            total += values[i]
            i &+= 1
        }
        return total
    }

    /// Eight strided maxima into `lanes`; returns how many logits they cover (a multiple of 8).
    @inline(__always)
    static func eightStridedMaxima(_ row: ReadBuffer<Float>, into lanes: SharedBuffer<Float>) -> Int {
        let e = row.count
        // Named scalars so the compiler keeps them in vector registers.
        var h0 = row[0], h1 = row[1], h2 = row[2], h3 = row[3], h4 = row[4], h5 = row[5], h6 = row[6], h7 = row[7]
        var x = 8
        while x + 8 <= e {
            let r = row.slice(x, 8)
            h0 = larger(h0, r[0]); h1 = larger(h1, r[1]); h2 = larger(h2, r[2]); h3 = larger(h3, r[3])
            h4 = larger(h4, r[4]); h5 = larger(h5, r[5]); h6 = larger(h6, r[6]); h7 = larger(h7, r[7])
            x += 8
        }
        lanes[0] = h0; lanes[1] = h1; lanes[2] = h2; lanes[3] = h3
        lanes[4] = h4; lanes[5] = h5; lanes[6] = h6; lanes[7] = h7
        return x
    }

    /// Sixteen strided maxima into `lanes`; returns how many logits they cover (a multiple of 16).
    static func sixteenStridedMaxima(_ row: ReadBuffer<Float>, into lanes: SharedBuffer<Float>) -> Int {
        let e = row.count
        var h0 = row[0], h1 = row[1], h2 = row[2], h3 = row[3], h4 = row[4], h5 = row[5], h6 = row[6], h7 = row[7]
        var h8 = row[8], h9 = row[9], h10 = row[10], h11 = row[11], h12 = row[12], h13 = row[13], h14 = row[14], h15 = row[15]
        var x = 16
        while x + 16 <= e {
            let r = row.slice(x, 16)
            h0 = larger(h0, r[0]); h1 = larger(h1, r[1]); h2 = larger(h2, r[2]); h3 = larger(h3, r[3])
            h4 = larger(h4, r[4]); h5 = larger(h5, r[5]); h6 = larger(h6, r[6]); h7 = larger(h7, r[7])
            h8 = larger(h8, r[8]); h9 = larger(h9, r[9]); h10 = larger(h10, r[10]); h11 = larger(h11, r[11])
            h12 = larger(h12, r[12]); h13 = larger(h13, r[13]); h14 = larger(h14, r[14]); h15 = larger(h15, r[15])
            x += 16
        }
        lanes[0] = h0; lanes[1] = h1; lanes[2] = h2; lanes[3] = h3; lanes[4] = h4; lanes[5] = h5
        lanes[6] = h6; lanes[7] = h7; lanes[8] = h8; lanes[9] = h9; lanes[10] = h10; lanes[11] = h11
        lanes[12] = h12; lanes[13] = h13; lanes[14] = h14; lanes[15] = h15
        return x
    }

    /// Recomputes the sum relative to `shift`, clamping tiny terms: right for any finite row.
    @inline(__always)
    mutating func resum(_ row: ReadBuffer<Float>, shift: Float) {
        var total: Float = 0
        for x in 0..<row.count { total += FastMath.exp(row[x] - shift) }
        self.shift = shift
        sum = total
        sumIsReliable = true
        termsHold = false
    }

    @inline(__always)
    static func larger(_ a: Float, _ b: Float) -> Float { b > a ? b : a }

    @inline(__always)
    static func smaller(_ a: Float, _ b: Float) -> Float { b < a ? b : a }

    static func maximum(_ row: ReadBuffer<Float>) -> Float {
        var high = -Float.infinity
        for x in 0..<row.count where row[x] > high { high = row[x] }
        return high
    }
}

/// The exact ranking of a row's first `ranked` experts.
enum RowRanking {
    /// Inserts, in index order, every logit at or above `bound` into a short sorted list.
    /// Strict comparisons keep the lower index first on ties, as the spec requires.
    ///
    /// The comparison with the bound runs as a vectorised loop into byte flags; only the few
    /// flagged logits reach the scalar insertion.
    @inline(__always)
    static func insertCandidates(_ row: ReadBuffer<Float>, ranked: Int, bound: Float,
                                 flags: SharedBuffer<UInt8>,
                                 topIndex: SharedBuffer<Int32>, topValue: SharedBuffer<Float>) {
        let e = row.count
        for x in 0..<e { flags[x] = row[x] >= bound ? 1 : 0 }
        var filled = 0
        var threshold = bound
        @inline(__always) func consider(_ x: Int) {
            let v = row[x]
            guard v >= threshold else { return }
            var j: Int
            if filled == ranked {
                if !(v > threshold) { return }
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
            if filled == ranked { threshold = topValue[ranked - 1] }
        }
        var x = 0
        while x + 8 <= e {
            // Eight flags as one word; each set byte is visited in index order.
            var word = flags.load(UInt64.self, at: x)
            while word != 0 {
                consider(x + word.trailingZeroBitCount / 8)
                word &= word - 1
            }
            x += 8
        }
        while x < e {
            if flags[x] != 0 { consider(x) }
            x += 1
        }
    }
}

/// Small fixed-size selections without data-dependent branches.
enum SortingNetwork {
    /// The `rank`-th largest of eight values (1-based), sorting them in place, largest first,
    /// with the 19-comparator network for eight inputs.
    @inline(__always)
    static func rankedLargestOfEight(_ values: SharedBuffer<Float>, _ rank: Int) -> Float {
        @inline(__always) func order(_ i: Int, _ j: Int) {
            let a = values[i], b = values[j]
            values[i] = b > a ? b : a
            values[j] = b > a ? a : b
        }
        order(0, 2); order(1, 3); order(4, 6); order(5, 7)
        order(0, 4); order(1, 5); order(2, 6); order(3, 7)
        order(0, 1); order(2, 3); order(4, 5); order(6, 7)
        order(2, 4); order(3, 5)
        order(1, 4); order(3, 6)
        order(1, 2); order(3, 4); order(5, 6)
        return values[rank - 1]
    }

    /// The `rank`-th largest of sixteen values (1-based): both halves sorted by the network, then
    /// the best split of `rank` between them (the `rank`-th largest of a union of two sorted lists
    /// is the largest `min(A[a], B[rank - a])`).
    @inline(__always)
    static func rankedLargestOfSixteen(_ values: SharedBuffer<Float>, _ rank: Int) -> Float {
        _ = rankedLargestOfEight(values, 1)
        _ = rankedLargestOfEight(values.slice(8, 8), 1)
        var best = -Float.infinity
        for fromFirst in max(0, rank - 8)...min(8, rank) {
            let fromSecond = rank - fromFirst
            let a = fromFirst > 0 ? values[fromFirst - 1] : Float.infinity
            let b = fromSecond > 0 ? values[8 + fromSecond - 1] : Float.infinity
            let candidate = a < b ? a : b
            if candidate > best { best = candidate }
        }
        return best
    }
}
