/// e^x written so that loops over arrays vectorise (the C library's `exp` is an opaque call,
/// one value at a time, and the logistic function of the radial MLPs is evaluated ~10⁷ times
/// per evaluation):
///
///     e^x = 2^n · e^r,   n = round(x / ln 2),   r = x − n·ln 2   (|r| ≤ ln 2 / 2),
///
/// with n·ln 2 subtracted in two parts (Cody–Waite: ln 2 = hi + lo, hi with few significant
/// bits so that n·hi is exact), e^r from its Taylor series to degree 7 (Float; truncation error
/// < 3e-9 relative) or 13 (Double; < 5e-18), and 2^n written into the exponent bits. Accuracy
/// is a few ulp, like the C library's (checked against it in the tests). Only selects, adds,
/// multiplies and integer bit operations, so the compiler turns a loop of these into vector code.
/// The polynomial is evaluated by Estrin's scheme with fused multiply-adds (`addingProduct`:
/// one FMA instruction each with AVX2/FMA, one rounding instead of two): pairs of terms
/// c_{2i} + c_{2i+1} r, then pairs of those with r², r⁴, r⁸ — four dependent steps for degree
/// 13 instead of Horner's thirteen. A loop of e^x is limited by that chain's latency, not by
/// the number of operations. Measured with perf (small MP-0-shaped model, 256 atoms, float64):
/// the logistic's share of the samples fell from 9.6 % (Horner's rule as separate multiplies
/// and adds, as the compiler emits `p * r + c`) to 7.5 % (Horner with FMAs); Estrin's scheme
/// then took the fused SiLU loop from 8.5 % to 7.4 %.
///
/// The argument is clamped to the range where e^x is a normal number: [−87.3, 88] for Float,
/// [−708, 709] for Double.
enum VectorExp {
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        let lower: Float = -87.3, upper: Float = 88
        let xc = x < lower ? lower : (x > upper ? upper : x)
        // n = round(x/ln2) by adding 1.5·2²³: the sum's low mantissa bits are n.
        let magic: Float = 12_582_912
        let shifted = xc * 1.44269504088896341 + magic
        let n = shifted - magic
        let r = xc - n * 0.693359375 - n * -2.12194440e-4
        let r2 = r * r, r4 = r2 * r2
        let q0 = (1 as Float).addingProduct(1, r), q1 = (0.5 as Float).addingProduct(1 / 6, r)
        let q2 = (1 / 24 as Float).addingProduct(1 / 120, r), q3 = (1 / 720 as Float).addingProduct(1 / 5040, r)
        let p = q0.addingProduct(q1, r2).addingProduct(q2.addingProduct(q3, r2), r4)
        let k = Int32(bitPattern: shifted.bitPattern) &- Int32(bitPattern: magic.bitPattern)
        return p * Float(bitPattern: UInt32(bitPattern: (k &+ 127) &<< 23))
    }

    @inline(__always)
    static func exp(_ x: Double) -> Double {
        let lower = -708.0, upper = 709.0
        let xc = x < lower ? lower : (x > upper ? upper : x)
        // n = round(x/ln2) by adding 1.5·2⁵²: the sum's low mantissa bits are n.
        let magic = 6_755_399_441_055_744.0
        let shifted = xc * 1.44269504088896338700e+00 + magic
        let n = shifted - magic
        let r = xc - n * 6.93147180369123816490e-01 - n * 1.90821492927058770002e-10
        // c_i = 1/i!: q_i = c_{2i} + c_{2i+1} r, s_i = q_{2i} + q_{2i+1} r², p = s_0 + s_1 r⁴ + (s_2 + q_6 r⁴) r⁸.
        let r2 = r * r, r4 = r2 * r2, r8 = r4 * r4
        let q0 = (1 as Double).addingProduct(1, r), q1 = (0.5 as Double).addingProduct(1 / 6, r)
        let q2 = (1 / 24 as Double).addingProduct(1 / 120, r), q3 = (1 / 720 as Double).addingProduct(1 / 5040, r)
        let q4 = (1 / 40_320 as Double).addingProduct(1 / 362_880, r)
        let q5 = (1 / 3_628_800 as Double).addingProduct(1 / 39_916_800, r)
        let q6 = (1 / 479_001_600 as Double).addingProduct(1 / 6_227_020_800, r)
        let s0 = q0.addingProduct(q1, r2), s1 = q2.addingProduct(q3, r2), s2 = q4.addingProduct(q5, r2)
        let p = s0.addingProduct(s1, r4).addingProduct(s2.addingProduct(q6, r4), r8)
        let k = Int64(bitPattern: shifted.bitPattern) &- Int64(bitPattern: magic.bitPattern)
        return p * Double(bitPattern: UInt64(bitPattern: (k &+ 1023) &<< 52))
    }
}

extension MACEScalar {
    /// The rescaled SiLU of the radial MLPs in one pass: s_k ← 1/(1 + e^{−z_k}) (kept for the
    /// reverse pass) and h_k ← c·z_k·s_k, for `count` values (vectorised; see ``VectorExp``).
    @inline(__always)
    public static func scaledSiLU(_ z: UnsafePointer<Self>, scale c: Self, logistic s: UnsafeMutablePointer<Self>,
                                  into h: UnsafeMutablePointer<Self>, count: Int) {
        for k in 0..<count {
            let sk = 1 / (1 + vectorExp(-z[k]))
            s[k] = sk
            h[k] = c * z[k] * sk
        }
    }
}

extension Float {
    /// e^x (see ``VectorExp``).
    @inline(__always) public static func vectorExp(_ x: Float) -> Float { VectorExp.exp(x) }
}

extension Double {
    /// e^x (see ``VectorExp``).
    @inline(__always) public static func vectorExp(_ x: Double) -> Double { VectorExp.exp(x) }
}
