/// Small numeric kernels for the router's hot loops.
enum FastMath {
    /// Adding then subtracting 1.5 * 2^23 rounds a float to the nearest integer, and the sum's
    /// low bits hold that integer: no libm call and no float-to-int conversion on the hot path.
    static let roundingMagic: Float = 12_582_912
    static let roundingMagicBits = Int32(bitPattern: roundingMagic.bitPattern)

    /// `e^x` for `x <= 87` to about 2e-7 relative error, exactly 1 at 0; inputs below -87 count as -87.
    ///
    /// Softmax needs one exponential per (token, expert); the C library's scalar `expf` would be the
    /// router's largest cost. Branch-free (the clamp is a select), so loops of it vectorise.
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        let t = (x < -87 ? -87 : x) * 1.442_695_04
        let shifted = t + roundingMagic
        let f = t - (shifted - roundingMagic)
        let n = Int32(bitPattern: shifted.bitPattern) &- roundingMagicBits
        return polynomial(f) * Float(bitPattern: UInt32(bitPattern: (n &+ 127) &<< 23))
    }

    /// `exp`'s result for `x` in [-87, 87] without its clamp, scaling by adding `n` to the exponent
    /// bits instead of multiplying by `2^n` (exact for these normal results, so the two agree bit for
    /// bit). Outside that range the result is garbage: callers check the range separately.
    ///
    /// Two vector operations fewer per four exponentials than `exp` (the clamp and its register copy,
    /// and the multiplication), and the row loop is bound by the count of such operations.
    @inline(__always)
    static func expInRange(_ x: Float) -> Float {
        let t = x * 1.442_695_04
        let shifted = t + roundingMagic
        let f = t - (shifted - roundingMagic)
        // The rounded integer sits in the low bits of `shifted`; shifting by 23 drops the magic's bits.
        return Float(bitPattern: polynomial(f).bitPattern &+ (shifted.bitPattern &<< 23))
    }

    /// `expInRange` on four values at once, the same operations lane by lane (so the same bits):
    /// spelled on vectors so a fused row pass keeps its exponentials in registers.
    @inline(__always)
    static func expInRange(_ x: SIMD4<Float>) -> SIMD4<Float> {
        let t = x * 1.442_695_04
        let shifted = t + roundingMagic
        let f = t - (shifted - roundingMagic)
        let p = polynomial(f)
        let scaled = unsafeBitCast(p, to: SIMD4<UInt32>.self) &+ (unsafeBitCast(shifted, to: SIMD4<UInt32>.self) &<< 23)
        return unsafeBitCast(scaled, to: SIMD4<Float>.self)
    }

    /// `2^f` for `f` in [-0.5, 0.5]: a degree-5 near-minimax fit of the relative error
    /// (about 2.1e-7 with this float evaluation, exactly 1 at 0).
    ///
    /// Estrin's scheme rather than Horner's: three independent pairs joined through `f^2`, one
    /// multiplication more but about half the dependency chain. The row pass runs 16 of these per
    /// 64-expert token back to back and was waiting on Horner's chain of ten dependent operations.
    /// One spelling for a single float and for four lanes, so the two give the same bits.
    @inline(__always)
    static func polynomial<Lanes: PolynomialLanes>(_ f: Lanes) -> Lanes {
        let f2 = f * f
        let low = 6.931_470_04e-1 * f + 1
        let middle = 5.550_733_58e-2 * f + 2.402_224_24e-1
        let high = 1.326_470_17e-3 * f + 9.671_504_61e-3
        return low + f2 * (middle + f2 * high)
    }

    /// A sort key, ascending, that orders probabilities descending and then token index ascending.
    @inline(__always)
    static func descendingKey(probability: Float, token: Int) -> UInt64 {
        let bits = (probability > 0 ? probability : 0).bitPattern
        return UInt64(~bits) << 32 | UInt64(truncatingIfNeeded: token)
    }

    /// Reorders `keys` so that its `k` smallest values come first (in any order).
    ///
    /// Only which tokens survive matters, never their order, so a linear selection replaces a sort.
    static func selectSmallest(_ keys: SharedBuffer<UInt64>, k: Int) {
        let count = keys.count
        guard k > 0, k < count else { return }
        var low = 0
        var high = count - 1
        while high > low {
            let mid = low + (high - low) / 2
            // Median of three as the pivot, kept at `high`.
            if keys[mid] < keys[low] { swapAt(keys, mid, low) }
            if keys[high] < keys[low] { swapAt(keys, high, low) }
            if keys[mid] < keys[high] { swapAt(keys, mid, high) }
            let pivot = keys[high]
            // Branch-free partition: always swap, advance only past keys below the pivot. The
            // comparisons are unpredictable, so a branch would mispredict about half the time. (The
            // Bool's byte is added as it is: spelled `? 1 : 0`, LLVM turned it back into a branch.)
            var store = low
            for i in low..<high {
                let key = keys[i]
                keys[i] = keys[store]
                keys[store] = key
                store &+= Int(truncatingIfNeeded: unsafeBitCast(key < pivot, to: UInt8.self))
            }
            swapAt(keys, store, high)
            if store == k || store == k - 1 { return }
            if store > k { high = store - 1 } else { low = store + 1 }
        }
    }

    @inline(__always)
    private static func swapAt(_ keys: SharedBuffer<UInt64>, _ i: Int, _ j: Int) {
        let held = keys[i]
        keys[i] = keys[j]
        keys[j] = held
    }
}

/// A float or a vector of floats: what `FastMath.polynomial` needs to evaluate on either.
protocol PolynomialLanes {
    static func * (coefficient: Float, value: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static func + (a: Self, b: Self) -> Self
    static func + (value: Self, constant: Float) -> Self
}

extension Float: PolynomialLanes {}
extension SIMD4<Float>: PolynomialLanes {}
