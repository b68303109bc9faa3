/// IEEE 754 half-precision conversions for CBOR floats (RFC 8949 §3.3, Appendix D), written out
/// because `Float16` is not available on every platform the client builds for.
enum HalfFloat {
    /// The double a half-precision bit pattern stands for.
    static func double(fromBits bits: UInt16) -> Double {
        let exponent = Int((bits >> 10) & 0x1f)
        let mantissa = Double(bits & 0x3ff)
        let magnitude: Double
        switch exponent {
        case 0: magnitude = mantissa * 0x1p-24
        case 31: magnitude = mantissa == 0 ? .infinity : .nan
        default: magnitude = (1 + mantissa / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
        return bits & 0x8000 != 0 ? -magnitude : magnitude
    }

    /// The half-precision bit pattern of `value`, if it has one that holds it exactly; NaN maps to
    /// the canonical quiet NaN 0x7e00.
    static func bits(exactly value: Double) -> UInt16? {
        if value.isNaN { return 0x7e00 }
        let sign: UInt16 = value.sign == .minus ? 0x8000 : 0
        if value.isInfinite { return sign | 0x7c00 }
        if value == 0 { return sign }
        let magnitude = value.magnitude
        // Subnormal halves are multiples of 2^-24 below 2^-14.
        if magnitude < 0x1p-14 {
            let units = magnitude / 0x1p-24
            guard units == units.rounded(), units >= 1 else { return nil }
            return sign | UInt16(units)
        }
        guard magnitude <= 65504 else { return nil }
        let exponent = Int(magnitude.exponent)
        let fraction = magnitude.significand - 1
        let mantissa = fraction * 1024
        guard mantissa == mantissa.rounded() else { return nil }
        return sign | UInt16(exponent + 15) << 10 | UInt16(mantissa)
    }
}
