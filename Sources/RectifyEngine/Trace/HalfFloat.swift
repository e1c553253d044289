/// IEEE 754 binary16 to `Float`, done on the bits.
///
/// Swift's `Float16` is unavailable on Intel macOS, so the trace reader converts by hand to build
/// everywhere. Every binary16 value (subnormals, signed zeros, infinities, NaN payloads) has an
/// exact `Float`, so the conversion never rounds.
@inlinable
public func floatFromHalfBits(_ bits: UInt16) -> Float {
    let sign = UInt32(bits & 0x8000) << 16
    let exponent = UInt32((bits >> 10) & 0x1F)
    let mantissa = UInt32(bits & 0x03FF)
    switch exponent {
    case 0:
        // Zero or subnormal: mantissa * 2^-24, exact in Float.
        let magnitude = Float(mantissa) * 0x1p-24
        return sign == 0 ? magnitude : -magnitude
    case 0x1F:
        // Infinity (mantissa 0) or NaN (payload kept in the top mantissa bits).
        return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    default:
        // Normal: rebias the exponent from 15 to 127.
        return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
    }
}
