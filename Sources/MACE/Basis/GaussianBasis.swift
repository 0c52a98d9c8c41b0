/// mace-torch's `GaussianBasis` (`radial_type="gaussian"`):
///
///     B_k(x) = exp(γ (x − μ_k)²),      dB_k/dx = 2γ (x − μ_k) B_k(x)
///
/// with centres μ_k = linspace(0, r_max, n) (Å; buffer or parameter
/// `radial_embedding.bessel_fn.gaussian_weights`) and γ = −0.5 / (r_max/(n − 1))² (1/Å²; the
/// plain attribute `radial_embedding.bessel_fn.coeff`, not in the state dict).
public struct GaussianBasis<T: MACEFloat>: RadialBasisFunctions, Equatable {
    /// μ_k, Å (`gaussian_weights`).
    public let centres: [T]
    /// γ < 0, 1/Å² (`coeff`).
    public let coefficient: T

    /// - Throws: `BasisError` if `centres` is empty or a value is not finite.
    public init(centres: [T], coefficient: T) throws {
        guard !centres.isEmpty else { throw BasisError("GaussianBasis: gaussian_weights is empty") }
        guard centres.allSatisfy(\.isFinite), coefficient.isFinite else {
            throw BasisError("GaussianBasis: gaussian_weights or coeff is not finite")
        }
        self.centres = centres
        self.coefficient = coefficient
    }

    /// The basis mace-torch builds for `count` ≥ 2 functions and cutoff r_max (Å).
    /// - Throws: `BasisError` unless `count` ≥ 2 and `cutoff` > 0.
    public init(count: Int, cutoff: T) throws {
        guard count >= 2, cutoff > 0, cutoff.isFinite else {
            throw BasisError("GaussianBasis: need num_basis ≥ 2 and r_max > 0 (got \(count), \(cutoff))")
        }
        let rMax = Double(cutoff)
        let step = rMax / Double(count - 1)
        try self.init(
            centres: (0..<count).map { T(Double($0) * step) },
            coefficient: T(-0.5 / (step * step)))
    }

    public var count: Int { centres.count }

    public func evaluate(_ x: T, into values: UnsafeMutableBufferPointer<T>) {
        precondition(values.count >= count, "GaussianBasis: buffer too small")
        for k in 0..<count {
            let d = x - centres[k]
            values[k] = T.exp(coefficient * (d * d))
        }
    }

    public func evaluate(
        _ x: T, values: UnsafeMutableBufferPointer<T>, derivatives: UnsafeMutableBufferPointer<T>
    ) {
        precondition(values.count >= count && derivatives.count >= count, "GaussianBasis: buffer too small")
        for k in 0..<count {
            let d = x - centres[k]
            let b = T.exp(coefficient * (d * d))
            values[k] = b
            derivatives[k] = 2 * coefficient * d * b
        }
    }

    public func contract(_ x: T, with weights: UnsafeBufferPointer<T>) -> (value: T, derivative: T) {
        precondition(weights.count >= count, "GaussianBasis: weights too small")
        var value: T = 0, derivative: T = 0
        for k in 0..<count {
            let d = x - centres[k]
            let wb = weights[k] * T.exp(coefficient * (d * d))
            value += wb
            derivative += wb * d
        }
        return (value, 2 * coefficient * derivative)
    }
}
