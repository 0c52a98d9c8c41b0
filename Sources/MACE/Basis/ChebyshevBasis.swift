/// mace-torch's `ChebychevBasis` (`radial_type="chebyshev"`): Chebyshev polynomials of the
/// first kind of the *unscaled* variable x (Å, as mace passes it):
///
///     B_k(x) = T_k(x),  k = 1…n;      T_0 = 1, T_1 = x, T_{k+1} = 2x T_k − T_{k−1}
///     dB_k/dx = k U_{k−1}(x);         U_0 = 1, U_1 = 2x, U_{k+1} = 2x U_k − U_{k−1}
///
/// It has no weights; n is `num_bessel`.
///
/// Caution: `torch.special.chebyshev_polynomial_t` has no autograd formula in torch 2.x, so
/// mace-torch's output is detached and its forces for `radial_type="chebyshev"` models lack the
/// radial-basis term. The derivative here is the true one; forces will differ from mace-torch's.
public struct ChebyshevBasis<T: MACEFloat>: RadialBasisFunctions, Equatable {
    public let count: Int

    /// - Throws: `BasisError` unless `count` ≥ 1.
    public init(count: Int) throws {
        guard count >= 1 else { throw BasisError("ChebyshevBasis: num_basis \(count) must be at least 1") }
        self.count = count
    }

    public func evaluate(_ x: T, into values: UnsafeMutableBufferPointer<T>) {
        precondition(values.count >= count, "ChebyshevBasis: buffer too small")
        var tPrev: T = 1, t = x
        for k in 0..<count {
            values[k] = t
            (tPrev, t) = (t, 2 * x * t - tPrev)
        }
    }

    public func evaluate(
        _ x: T, values: UnsafeMutableBufferPointer<T>, derivatives: UnsafeMutableBufferPointer<T>
    ) {
        precondition(values.count >= count && derivatives.count >= count, "ChebyshevBasis: buffer too small")
        var tPrev: T = 1, t = x          // T_{k−1}, T_k with k = 1
        var uPrev: T = 0, u: T = 1       // U_{k−2}, U_{k−1}
        for k in 0..<count {
            values[k] = t
            derivatives[k] = T(k + 1) * u
            (tPrev, t) = (t, 2 * x * t - tPrev)
            (uPrev, u) = (u, 2 * x * u - uPrev)
        }
    }

    public func contract(_ x: T, with weights: UnsafeBufferPointer<T>) -> (value: T, derivative: T) {
        precondition(weights.count >= count, "ChebyshevBasis: weights too small")
        var value: T = 0, derivative: T = 0
        var tPrev: T = 1, t = x
        var uPrev: T = 0, u: T = 1
        for k in 0..<count {
            value += weights[k] * t
            derivative += weights[k] * T(k + 1) * u
            (tPrev, t) = (t, 2 * x * t - tPrev)
            (uPrev, u) = (u, 2 * x * u - uPrev)
        }
        return (value, derivative)
    }
}
