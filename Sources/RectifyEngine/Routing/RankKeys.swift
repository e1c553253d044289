/// One 64-bit key per logit whose signed order is the ranking's (larger logit first, then the lower
/// index), so that ranking a row's few candidates needs no data-dependent branch.
///
/// The branchy sorted insertion it replaces mispredicted about once per candidate: the position a
/// candidate lands in is random, and that cost as much as all of a row's exponentials.
enum RankKey {
    /// The logit's bits made order-preserving as a signed integer (sign and magnitude to two's
    /// complement, so `-0` and `+0` both become 0 and tie, broken by index), above the complemented
    /// index. Integer operations on the loaded bits only: the candidate loop waits on this chain.
    @inline(__always)
    static func make(_ row: ReadBuffer<Float>, _ index: Int) -> Int64 {
        let bits = row.load(Int32.self, at: index)
        let sign = bits &>> 31
        let ordered = ((bits & 0x7FFF_FFFF) ^ sign) &- sign
        return Int64(ordered) &<< 32 | Int64(UInt32(truncatingIfNeeded: ~index))
    }

    @inline(__always)
    static func index(_ key: Int64) -> Int {
        Int(~UInt32(truncatingIfNeeded: key))
    }

    /// Below every logit's key; decodes to index 0, so an unfilled slot still reads a valid logit.
    static let empty = Int64.min | 0xFFFF_FFFF
}

/// The best keys seen so far, largest first, in registers.
protocol TopKeys {
    init()
    /// Sends `key` down the list: each slot keeps the larger, the smaller moves on (max/min, no branch).
    mutating func insert(_ key: Int64)
    /// Writes every slot's expert and logit, best first (room for all slots is needed; the caller
    /// reads only the ranked ones). Empty slots read expert 0.
    func write(row: ReadBuffer<Float>, index: SharedBuffer<Int32>, value: SharedBuffer<Float>)
}

extension TopKeys {
    @inline(__always)
    static func store(_ key: Int64, at slot: Int, row: ReadBuffer<Float>,
                      index: SharedBuffer<Int32>, value: SharedBuffer<Float>) {
        let x = RankKey.index(key)
        index[slot] = Int32(truncatingIfNeeded: x)
        value[slot] = row[x]
    }
}

/// Three slots: rankings of up to three experts (top-2 and its next-best choice).
struct TopThreeKeys: TopKeys {
    var k0 = RankKey.empty, k1 = RankKey.empty, k2 = RankKey.empty

    @inline(__always)
    mutating func insert(_ key: Int64) {
        var carry = key
        (k0, carry) = (max(k0, carry), min(k0, carry))
        (k1, carry) = (max(k1, carry), min(k1, carry))
        k2 = max(k2, carry)
    }

    @inline(__always)
    func write(row: ReadBuffer<Float>, index: SharedBuffer<Int32>, value: SharedBuffer<Float>) {
        Self.store(k0, at: 0, row: row, index: index, value: value)
        Self.store(k1, at: 1, row: row, index: index, value: value)
        Self.store(k2, at: 2, row: row, index: index, value: value)
    }
}

/// Four slots: rankings of up to four experts (top-3 and its next-best choice).
struct TopFourKeys: TopKeys {
    var k0 = RankKey.empty, k1 = RankKey.empty, k2 = RankKey.empty, k3 = RankKey.empty

    @inline(__always)
    mutating func insert(_ key: Int64) {
        var carry = key
        (k0, carry) = (max(k0, carry), min(k0, carry))
        (k1, carry) = (max(k1, carry), min(k1, carry))
        (k2, carry) = (max(k2, carry), min(k2, carry))
        k3 = max(k3, carry)
    }

    @inline(__always)
    func write(row: ReadBuffer<Float>, index: SharedBuffer<Int32>, value: SharedBuffer<Float>) {
        Self.store(k0, at: 0, row: row, index: index, value: value)
        Self.store(k1, at: 1, row: row, index: index, value: value)
        Self.store(k2, at: 2, row: row, index: index, value: value)
        Self.store(k3, at: 3, row: row, index: index, value: value)
    }
}

/// Eight slots: rankings of up to eight experts.
struct TopEightKeys: TopKeys {
    var low = TopFourKeys(), high = TopFourKeys()

    @inline(__always)
    mutating func insert(_ key: Int64) {
        // What falls off the first four (the smaller of their last and the key) goes on to the next four.
        let spill = min(low.k3, key)
        low.insert(key)
        high.insert(spill)
    }

    @inline(__always)
    func write(row: ReadBuffer<Float>, index: SharedBuffer<Int32>, value: SharedBuffer<Float>) {
        low.write(row: row, index: index, value: value)
        high.write(row: row, index: index.slice(4, index.count &- 4), value: value.slice(4, value.count &- 4))
    }
}
