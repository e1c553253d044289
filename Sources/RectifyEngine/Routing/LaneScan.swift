/// The fast row pass for rows of at least eight experts with at most eight ranked: exponentials,
/// their sum, eight strided maxima and the exact ranking, with few passes over the row.
enum LaneScan {
    typealias Quad = SIMD4<Float>

    /// Ranks the row's first `ranked` experts into `topIndex`/`topValue`, fills `terms` with the
    /// exponentials relative to the first logit and sums them. Needs `e >= 8` and `1 <= ranked <= 8`.
    @inline(__always)
    static func scan(_ row: ReadBuffer<Float>, ranked: Int, terms: SharedBuffer<Float>,
                     topIndex: SharedBuffer<Int32>, topValue: SharedBuffer<Float>) -> RowSummary {
        let summary = exponentialsAndSummary(row, ranked: ranked, terms: terms)
        insertCandidates(row, ranked: ranked, bound: summary.bound, topIndex: topIndex, topValue: topValue)
        return summary
    }

    /// `terms[i] = exp(row[i] - row[0])` (unclamped: the summary checks from the row's minimum
    /// whether every input was in range), their sum, whether it is reliable, and the bound for the
    /// candidate scan, in one pass: each block of eight logits is loaded once, its exponentials are
    /// summed while still in registers, beside eight strided maxima, four minima and eight partial sums.
    @inline(__always)
    static func exponentialsAndSummary(_ row: ReadBuffer<Float>, ranked: Int,
                                       terms: SharedBuffer<Float>) -> RowSummary {
        let e = row.count
        let shift = row[0]
        let shifts = Quad(repeating: shift)
        var low = row.load(Quad.self, at: 0), high = row.load(Quad.self, at: 4)
        var floor = low.replacing(with: high, where: high .< low)
        var sumLow = FastMath.expInRange(low - shifts), sumHigh = FastMath.expInRange(high - shifts)
        terms.store(sumLow, at: 0)
        terms.store(sumHigh, at: 4)
        var x = 8
        while x &+ 8 <= e {
            let a = row.load(Quad.self, at: x), b = row.load(Quad.self, at: x &+ 4)
            let termA = FastMath.expInRange(a - shifts), termB = FastMath.expInRange(b - shifts)
            terms.store(termA, at: x)
            terms.store(termB, at: x &+ 4)
            low.replace(with: a, where: a .> low)
            high.replace(with: b, where: b .> high)
            let smaller = a.replacing(with: b, where: b .< a)
            floor.replace(with: smaller, where: smaller .< floor)
            sumLow += termA
            sumHigh += termB
            x &+= 8
        }
        let both = sumLow + sumHigh
        var total = (both[0] + both[1]) + (both[2] + both[3])
        var peak = -Float.infinity
        var bottom = RowSummary.smaller(RowSummary.smaller(floor[0], floor[1]), RowSummary.smaller(floor[2], floor[3]))
        while x < e {
            let term = FastMath.expInRange(row[x] - shift)
            terms[x] = term
            total += term
            peak = RowSummary.larger(peak, row[x])
            bottom = RowSummary.smaller(bottom, row[x])
            x &+= 1
        }
        return finish(shift: shift, total: total, peak: peak, bottom: bottom, low: low, high: high, ranked: ranked)
    }

    /// The summary from a row's sum, its maxima and minimum. A function of its own, always inlined,
    /// though it has one caller: written into the row pass itself, the compiler made the selection
    /// network an out-of-line call in the hot loop.
    @inline(__always)
    static func finish(shift: Float, total: Float, peak tailPeak: Float, bottom: Float,
                       low: Quad, high: Quad, ranked: Int) -> RowSummary {
        let (bound, lanePeak) = SelectionNetwork.boundAndPeak(low, high, rank: ranked)
        let peak = RowSummary.larger(tailPeak, lanePeak)

        var summary = RowSummary()
        summary.shift = shift
        summary.sum = total
        summary.termsHold = true
        // Terms far above the shift could overflow; terms more than 87 below it were not clamped.
        // (Rounding is monotonic, so the minimum's difference bounds every difference taken above.)
        summary.sumIsReliable = peak - shift <= RowSummary.safeSpan && bottom - shift >= -87
        summary.bound = bound
        return summary
    }

    /// Ranks every logit at or above `bound` (ties to the lower index) into `topIndex`/`topValue`,
    /// which need room for eight.
    @inline(__always)
    static func insertCandidates(_ row: ReadBuffer<Float>, ranked: Int,
                                 bound: Float, topIndex: SharedBuffer<Int32>,
                                 topValue: SharedBuffer<Float>) {
        let e = row.count
        // The strided maxima cover whole blocks of eight.
        let covered = e & ~7
        if ranked == 3 && covered <= 64, let list = rankThree(row, covered: covered, bound: bound) {
            list.write(row: row, index: topIndex, value: topValue)
        } else if ranked <= 3 {
            // Top-2 and its next-best choice, the common case: one step less per candidate.
            rankCandidates(row, covered: covered, bound: bound, into: TopThreeKeys())
                .write(row: row, index: topIndex, value: topValue)
        } else if ranked <= 4 {
            rankCandidates(row, covered: covered, bound: bound, into: TopFourKeys())
                .write(row: row, index: topIndex, value: topValue)
        } else {
            rankCandidates(row, covered: covered, bound: bound, into: TopEightKeys())
                .write(row: row, index: topIndex, value: topValue)
        }
    }

    /// Bit `8 * lane + block` set when logit `8 * block + lane` of `row` is at least the limit (or
    /// NaN), for up to eight blocks of eight logits.
    ///
    /// Each block's two comparisons narrow to one vector of eight 16-bit lanes, which keeps the
    /// block's bit; the eight lanes narrow to bytes, and those bytes are the word.
    @inline(__always)
    static func candidateBits(_ row: ReadBuffer<Float>, from start: Int, blocks: Int, limit: Quad) -> UInt64 {
        var bits = SIMD8<Int16>()
        var blockBit: Int16 = 1
        for block in 0..<blocks {
            // Spelled as "not below" so each comparison overwrites its loaded operand in place.
            let low = unsafeBitCast(.!(row.load(Quad.self, at: start &+ 8 &* block) .< limit), to: SIMD4<Int32>.self)
            let high = unsafeBitCast(.!(row.load(Quad.self, at: start &+ 8 &* block &+ 4) .< limit), to: SIMD4<Int32>.self)
            bits |= SIMD8<Int16>(truncatingIfNeeded: SIMD8<Int32>(lowHalf: low, highHalf: high))
                & SIMD8<Int16>(repeating: blockBit)
            blockBit &<<= 1
        }
        return unsafeBitCast(SIMD8<UInt8>(truncatingIfNeeded: bits), to: UInt64.self)
    }

    /// `rankCandidates` for three ranked experts when one word holds every candidate bit (at most
    /// 64 covered logits), or nil when that word has fewer than three bits (only possible with NaNs).
    ///
    /// The bound is the third largest of distinct logits, so there are at least three candidates,
    /// and in most rows exactly three or four. The lowest two and the highest set bit are three
    /// distinct candidates taken without a branch, and a fourth as a select: a loop over the bits
    /// mispredicted its exit in most rows (the count is random), which cost more than the inserts.
    @inline(__always)
    static func rankThree(_ row: ReadBuffer<Float>, covered: Int, bound: Float) -> TopThreeKeys? {
        let e = row.count
        let limit = Quad(repeating: bound)
        var word = covered == 64 ? candidateBits(row, from: 0, blocks: 8, limit: limit)
                                 : candidateBits(row, from: 0, blocks: covered &>> 3, limit: limit)
        @inline(__always) func key(_ bit: Int) -> Int64 {
            let x = (bit & 7) &* 8 &+ (bit &>> 3)
            return RankKey.make(row, x)
        }
        let first = word.trailingZeroBitCount
        word &= word &- 1
        let second = word.trailingZeroBitCount
        word &= word &- 1
        // (A population count is a library call on baseline x86-64.)
        guard word != 0 else { return nil }
        var list = TopThreeKeys()
        list.insert(key(first))
        list.insert(key(second))
        let highest = 63 &- word.leadingZeroBitCount
        list.insert(key(highest))
        word &= ~(1 &<< UInt64(truncatingIfNeeded: highest))
        // The list is full, so its last key again changes nothing: the stand-in when no fourth
        // candidate exists. (`| 1` keeps the read at a valid logit then.)
        let fourth = 63 &- (word | 1).leadingZeroBitCount
        let fourthKey = key(fourth)
        list.insert(word != 0 ? fourthKey : list.k2)
        word &= ~(1 &<< UInt64(truncatingIfNeeded: fourth))
        while word != 0 {
            let bit = word.trailingZeroBitCount
            word &= word &- 1
            list.insert(key(bit))
        }
        var x = covered
        while x < e {
            if row[x] >= bound { list.insert(RankKey.make(row, x)) }
            x &+= 1
        }
        return list
    }

    /// Vector comparisons set one bit per logit, 64 logits at a time, in a lane-major word (bit
    /// `8 * lane + block` for logit `8 * block + lane`); only the few set bits reach the keys, in
    /// any order (each key carries its index).
    @inline(__always)
    static func rankCandidates<List: TopKeys>(_ row: ReadBuffer<Float>, covered: Int,
                                              bound: Float, into start: List) -> List {
        let e = row.count
        var list = start
        let limit = Quad(repeating: bound)
        var chunk = 0
        while chunk < covered {
            let end = min(covered, chunk &+ 64)
            // A whole chunk has a constant count of blocks, so its comparisons unroll completely.
            var word = end &- chunk == 64 ? candidateBits(row, from: chunk, blocks: 8, limit: limit)
                                          : candidateBits(row, from: chunk, blocks: (end &- chunk) &>> 3, limit: limit)
            while word != 0 {
                let bit = word.trailingZeroBitCount
                word &= word &- 1
                let x = chunk &+ (bit & 7) &* 8 &+ (bit &>> 3)
                list.insert(RankKey.make(row, x))
            }
            chunk = end
        }
        var x = covered
        while x < e {
            if row[x] >= bound { list.insert(RankKey.make(row, x)) }
            x &+= 1
        }
        return list
    }
}

/// The bound for the candidate scan: the `rank`-th largest of eight strided maxima, and their
/// maximum, by the 19-comparator sorting network for eight inputs pruned to the comparators (and
/// the halves of them) those two outputs depend on, all in registers.
enum SelectionNetwork {
    @inline(__always)
    static func boundAndPeak(_ low: SIMD4<Float>, _ high: SIMD4<Float>, rank: Int) -> (bound: Float, peak: Float) {
        // Layers one and two, (0,2) (1,3) (4,6) (5,7) then (0,4) (1,5) (2,6) (3,7), serve every rank.
        var (v0, v1, v2, v3) = (low[0], low[1], low[2], low[3])
        var (v4, v5, v6, v7) = (high[0], high[1], high[2], high[3])
        order(&v0, &v2); order(&v1, &v3); order(&v4, &v6); order(&v5, &v7)
        order(&v0, &v4); order(&v1, &v5); order(&v2, &v6); order(&v3, &v7)
        let peak = larger(v0, v1)
        // Then only what the `rank`-th output depends on; ranks sharing a prefix differ in the last step.
        switch rank {
        case 1:
            return (peak, peak)
        case 2, 3:
            order(&v0, &v1)
            v2 = larger(v2, v3)
            v4 = larger(v4, v5)
            order(&v2, &v4)
            v1 = larger(v1, v4)
            return (rank == 2 ? larger(v1, v2) : smaller(v1, v2), peak)
        case 4, 5:
            order(&v0, &v1); order(&v2, &v3); order(&v4, &v5)
            v6 = larger(v6, v7)
            v4 = smaller(v4, v2)
            v3 = larger(v3, v5)
            v4 = smaller(v4, v1)
            v3 = larger(v3, v6)
            return (rank == 4 ? larger(v3, v4) : smaller(v3, v4), peak)
        case 6, 7:
            v3 = smaller(v3, v2)
            v5 = smaller(v5, v4)
            v6 = larger(v6, v7)
            order(&v3, &v5)
            v6 = smaller(v6, v3)
            return (rank == 6 ? larger(v5, v6) : smaller(v5, v6), peak)
        default:
            return (smaller(v6, v7), peak)
        }
    }

    /// Compare-exchange: the larger value to the first place.
    @inline(__always)
    static func order(_ a: inout Float, _ b: inout Float) {
        (a, b) = (b > a ? b : a, b > a ? a : b)
    }

    @inline(__always)
    static func larger(_ a: Float, _ b: Float) -> Float { b > a ? b : a }

    @inline(__always)
    static func smaller(_ a: Float, _ b: Float) -> Float { b < a ? b : a }
}
