/// The first value that is NaN or infinite and how to name it, for errors that point at it.
func firstNonFinite(_ values: [Float]) -> (index: Int, name: String)? {
    guard let index = values.withUnsafeBufferPointer(firstNonFinite) else { return nil }
    return (index, nonFiniteName(values[index]))
}

/// "NaN", "+Inf" or "-Inf".
func nonFiniteName(_ value: Float) -> String { value.isNaN ? "NaN" : (value < 0 ? "-Inf" : "+Inf") }

/// Index of the first NaN or infinity. Every step of a trace is scanned, so blocks are tested
/// with a branch-free loop the compiler vectorises, and only a block with a hit is searched.
func firstNonFinite(_ values: UnsafeBufferPointer<Float>) -> Int? {
    let exponent: UInt32 = 0x7F80_0000
    let block = 1024
    var start = 0
    while start < values.count {
        let end = min(start + block, values.count)
        var hit: UInt32 = 0
        for index in start..<end {
            hit |= (values[index].bitPattern & exponent) == exponent ? 1 : 0
        }
        if hit != 0 {
            return (start..<end).first { !values[$0].isFinite }
        }
        start = end
    }
    return nil
}
