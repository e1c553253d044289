/// The first value that is NaN or infinite and how to name it, for errors that point at it.
func firstNonFinite(_ values: [Float]) -> (index: Int, name: String)? {
    guard let index = values.withUnsafeBufferPointer(firstNonFinite) else { return nil }
    return (index, nonFiniteName(values[index]))
}

/// "NaN", "+Inf" or "-Inf".
func nonFiniteName(_ value: Float) -> String { value.isNaN ? "NaN" : (value < 0 ? "-Inf" : "+Inf") }

/// Index of the first NaN or infinity (all exponent bits set). Every step of a trace is scanned,
/// so blocks are tested sixteen values at a time in vector registers, and only a block with a hit
/// is searched. (Spelled as a scalar loop with an `|=`, the compiler turned it back into one
/// branch per value, and the scan cost twice the routing's row pass.)
func firstNonFinite(_ values: UnsafeBufferPointer<Float>) -> Int? {
    let raw = UnsafeRawBufferPointer(values)
    let exponent = SIMD16<UInt32>(repeating: 0x7F80_0000)
    let block = 1024
    var start = 0
    while start < values.count {
        let end = min(start + block, values.count)
        var hits = SIMDMask<SIMD16<Int32>>(repeating: false)
        var index = start
        while index + 16 <= end {
            let bits = raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<UInt32>.self)
            hits .|= (bits & exponent) .== exponent
            index += 16
        }
        var hit = any(hits)
        while index < end {
            hit = hit || !values[index].isFinite
            index += 1
        }
        if hit {
            return (start..<end).first { !values[$0].isFinite }
        }
        start = end
    }
    return nil
}
