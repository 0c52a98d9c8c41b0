/// MACE's radial Bessel basis (Batatia et al. 2022, eq. 7; mace-torch `BesselBasis`):
///
///     B_k(x) = c · sin(w_k x) / x,        c = √(2 / r_max),  w_k = kπ / r_max (k = 1…n at init)
///     dB_k/dx = c · (w_k x cos(w_k x) − sin(w_k x)) / x²
///
/// The frequencies w_k may be trained, so they are model weights: mace-torch
/// `radial_embedding.bessel_fn.bessel_weights` (1/Å) and `radial_embedding.bessel_fn.prefactor`
/// (c, Å^−1/2; a buffer equal to √(2/r_max)). x is in Å and must be > 0 (mace divides by x).
public struct BesselBasis<T: MACEFloat>: RadialBasisFunctions, Equatable {
    /// w_k, 1/Å (`bessel_weights`).
    public let frequencies: [T]
    /// c, Å^−1/2 (`prefactor`).
    public let prefactor: T

    /// A basis with given frequencies and prefactor (as stored in the model).
    /// - Throws: `BasisError` if `frequencies` is empty or a value is not finite.
    public init(frequencies: [T], prefactor: T) throws {
        guard !frequencies.isEmpty else { throw BasisError("BesselBasis: bessel_weights is empty") }
        guard frequencies.allSatisfy(\.isFinite), prefactor.isFinite else {
            throw BasisError("BesselBasis: bessel_weights or prefactor is not finite")
        }
        self.frequencies = frequencies
        self.prefactor = prefactor
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
        for k in 0..<count {
            values[k] = prefactor * (T.sin(frequencies[k] * x) / x)
        }
    }

    public func evaluate(
        _ x: T, values: UnsafeMutableBufferPointer<T>, derivatives: UnsafeMutableBufferPointer<T>
    ) {
        precondition(values.count >= count && derivatives.count >= count, "BesselBasis: buffer too small")
        let inverse = 1 / x
        for k in 0..<count {
            let w = frequencies[k]
            let s = T.sin(w * x), c = T.cos(w * x)
            values[k] = prefactor * (s / x)
            derivatives[k] = prefactor * (w * c - s * inverse) * inverse
        }
    }

    public func contract(_ x: T, with weights: UnsafeBufferPointer<T>) -> (value: T, derivative: T) {
        precondition(weights.count >= count, "BesselBasis: weights too small")
        let inverse = 1 / x
        var value: T = 0, derivative: T = 0
        for k in 0..<count {
            let w = frequencies[k]
            let s = T.sin(w * x), c = T.cos(w * x)
            value += weights[k] * s
            derivative += weights[k] * (w * c - s * inverse)
        }
        return (prefactor * value * inverse, prefactor * derivative * inverse)
    }
}
