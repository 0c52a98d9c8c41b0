/// MACE's radial Bessel basis (Batatia et al. 2022, eq. 7; mace-torch `BesselBasis`):
///
///     B_k(x) = c · sin(w_k x) / x,        c = √(2 / r_max),  w_k = kπ / r_max (k = 1…n at init)
///     dB_k/dx = c · (w_k x cos(w_k x) − sin(w_k x)) / x²
///
/// The frequencies w_k may be trained, so they are model weights: mace-torch
/// `radial_embedding.bessel_fn.bessel_weights` (1/Å) and `radial_embedding.bessel_fn.prefactor`
/// (c, Å^−1/2; a buffer equal to √(2/r_max)). x is in Å and must be > 0 (mace divides by x).
///
/// When the frequencies are harmonics, w_k = k·w₁ to within an ulp (mace-torch's default,
/// untrained basis), sin(w_k x) and cos(w_k x) follow from sin(w₁x) and cos(w₁x) by the
/// angle-addition rule, a rotation by w₁x per step:
///
///     s_k = s_{k−1} c₁ + c_{k−1} s₁,   c_k = c_{k−1} c₁ − s_{k−1} s₁,
///
/// two library calls per edge instead of n (or 2n with derivatives); the rotation keeps
/// s_k² + c_k² = 1, so the rounding error grows by at most a few ulp per step (checked
/// against the direct formula in the tests).
public struct BesselBasis<T: MACEFloat>: RadialBasisFunctions, Equatable {
    /// w_k, 1/Å (`bessel_weights`).
    public let frequencies: [T]
    /// c, Å^−1/2 (`prefactor`).
    public let prefactor: T
    /// w₁ when every w_k is k·w₁ to within an ulp (see the type's documentation), else nil.
    let harmonicStep: T?

    /// A basis with given frequencies and prefactor (as stored in the model).
    /// - Throws: `BasisError` if `frequencies` is empty or a value is not finite.
    public init(frequencies: [T], prefactor: T) throws {
        guard !frequencies.isEmpty else { throw BasisError("BesselBasis: bessel_weights is empty") }
        guard frequencies.allSatisfy(\.isFinite), prefactor.isFinite else {
            throw BasisError("BesselBasis: bessel_weights or prefactor is not finite")
        }
        self.frequencies = frequencies
        self.prefactor = prefactor
        let w1 = frequencies[0]
        let harmonic = frequencies.indices.allSatisfy { k in
            abs(frequencies[k] - T(k + 1) * w1) <= frequencies[k].ulp
        }
        harmonicStep = harmonic ? w1 : nil
    }

    /// sin(w_k x) and cos(w_k x) for k = 1…n into `sines` and `cosines` (at least `count`).
    @inline(__always)
    func sinesAndCosines(_ x: T, sines: UnsafeMutablePointer<T>, cosines: UnsafeMutablePointer<T>) {
        guard let w1 = harmonicStep else {
            for k in 0..<count { sines[k] = T.sin(frequencies[k] * x); cosines[k] = T.cos(frequencies[k] * x) }
            return
        }
        let s1 = T.sin(w1 * x), c1 = T.cos(w1 * x)
        var s = s1, c = c1
        sines[0] = s; cosines[0] = c
        for k in 1..<count {
            (s, c) = (s * c1 + c * s1, c * c1 - s * s1)
            sines[k] = s; cosines[k] = c
        }
    }

    /// The untrained basis mace-torch builds: w_k = π/r_max · k (k = 1…count),
    /// c = √(2/r_max). `cutoff` r_max in Å.
    /// - Throws: `BasisError` unless `count` ≥ 1 and `cutoff` > 0.
    public init(count: Int, cutoff: T) throws {
        guard count >= 1, cutoff > 0, cutoff.isFinite else {
            throw BasisError("BesselBasis: need num_bessel ≥ 1 and r_max > 0 (got \(count), \(cutoff))")
        }
        let rMax = Double(cutoff)
        try self.init(
            frequencies: (1...count).map { T(Double.pi / rMax * Double($0)) },
            prefactor: T((2.0 / rMax).squareRoot()))
    }

    public var count: Int { frequencies.count }

    public func evaluate(_ x: T, into values: UnsafeMutableBufferPointer<T>) {
        precondition(values.count >= count, "BesselBasis: buffer too small")
        guard harmonicStep != nil else {
            for k in 0..<count { values[k] = prefactor * (T.sin(frequencies[k] * x) / x) }
            return
        }
        withUnsafeTemporaryAllocation(of: T.self, capacity: 2 * count) { sc in
            let sines = sc.baseAddress!, cosines = sines + count
            sinesAndCosines(x, sines: sines, cosines: cosines)
            for k in 0..<count { values[k] = prefactor * (sines[k] / x) }
        }
    }

    public func evaluate(
        _ x: T, values: UnsafeMutableBufferPointer<T>, derivatives: UnsafeMutableBufferPointer<T>
    ) {
        precondition(values.count >= count && derivatives.count >= count, "BesselBasis: buffer too small")
        let inverse = 1 / x
        withUnsafeTemporaryAllocation(of: T.self, capacity: 2 * count) { sc in
            let sines = sc.baseAddress!, cosines = sines + count
            sinesAndCosines(x, sines: sines, cosines: cosines)
            for k in 0..<count {
                let w = frequencies[k], s = sines[k], c = cosines[k]
                values[k] = prefactor * (s / x)
                derivatives[k] = prefactor * (w * c - s * inverse) * inverse
            }
        }
    }

    public func contract(_ x: T, with weights: UnsafeBufferPointer<T>) -> (value: T, derivative: T) {
        precondition(weights.count >= count, "BesselBasis: weights too small")
        let inverse = 1 / x
        var value: T = 0, derivative: T = 0
        withUnsafeTemporaryAllocation(of: T.self, capacity: 2 * count) { sc in
            let sines = sc.baseAddress!, cosines = sines + count
            sinesAndCosines(x, sines: sines, cosines: cosines)
            for k in 0..<count {
                let w = frequencies[k], s = sines[k], c = cosines[k]
                value += weights[k] * s
                derivative += weights[k] * (w * c - s * inverse)
            }
        }
        return (prefactor * value * inverse, prefactor * derivative * inverse)
    }
}
