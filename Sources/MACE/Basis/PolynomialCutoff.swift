/// The smooth polynomial envelope of MACE (Batatia et al. 2022, eq. 8; mace-torch
/// `PolynomialCutoff`), which takes the radial features from 1 at r = 0 to 0 at r = r_max
/// with p continuous derivatives:
///
///     u = r / r_max
///     f(r) = 1 − (p + 1)(p + 2)/2 · uᵖ + p(p + 2) · uᵖ⁺¹ − p(p + 1)/2 · uᵖ⁺²    (r < r_max)
///     f(r) = 0                                                                  (r ≥ r_max)
///
///     f′(r) = −p(p + 1)(p + 2)/(2 r_max) · uᵖ⁻¹ (1 − u)²                         (r < r_max)
///
/// mace multiplies the polynomial by the mask (r < r_max), so f = f′ = 0 at r = r_max exactly
/// and beyond (the polynomial itself also vanishes there to p-th order).
///
/// mace-torch buffers: `radial_embedding.cutoff_fn.r_max` (`cutoff`) and
/// `radial_embedding.cutoff_fn.p` (`power`, mace's `num_polynomial_cutoff`, default 5 or 6).
/// `ZBLRepulsion` uses the same envelope with r_max = sum of covalent radii.
public struct PolynomialCutoff<T: MACEFloat>: Sendable, Equatable {
    /// r_max, Å.
    public let cutoff: T
    /// p ≥ 1.
    public let power: Int

    /// - Throws: `BasisError` unless `cutoff` > 0 and finite and `power` ≥ 1.
    public init(cutoff: T, power: Int) throws {
        guard cutoff > 0, cutoff.isFinite else {
            throw BasisError("PolynomialCutoff: r_max \(cutoff) must be positive and finite")
        }
        guard power >= 1 else {
            throw BasisError("PolynomialCutoff: p \(power) must be at least 1")
        }
        self.cutoff = cutoff
        self.power = power
    }

    /// f(r), dimensionless, for a length r in Å.
    public func value(_ r: T) -> T {
        Self.valueAndDerivative(r, cutoff: cutoff, power: power).value
    }

    /// f(r) and df/dr (1/Å) for a length r in Å.
    public func valueAndDerivative(_ r: T) -> (value: T, derivative: T) {
        Self.valueAndDerivative(r, cutoff: cutoff, power: power)
    }

    /// The envelope for any r_max > 0 and p ≥ 1 (used by `ZBLRepulsion` with per-pair r_max).
    static func valueAndDerivative(_ r: T, cutoff: T, power: Int) -> (value: T, derivative: T) {
        guard r < cutoff else { return (0, 0) }
        let u = r / cutoff
        let p = T(power)
        let c1: T = (p + 1) * (p + 2) / 2
        let c2: T = p * (p + 2)
        let c3: T = p * (p + 1) / 2
        let upm1 = integerPower(u, power - 1)
        let up = upm1 * u
        let up1 = up * u
        let up2 = up1 * u
        let value: T = 1 - c1 * up + c2 * up1 - c3 * up2
        let oneMinusU = 1 - u
        let slope: T = p * c1 / cutoff
        let derivative: T = -slope * upm1 * oneMinusU * oneMinusU
        return (value, derivative)
    }

    /// xⁿ for n ≥ 0 by repeated squaring.
    @inline(__always) static func integerPower(_ x: T, _ n: Int) -> T {
        var result: T = 1, base = x, e = n
        while e > 0 {
            if e & 1 == 1 { result *= base }
            base *= base
            e >>= 1
        }
        return result
    }
}
