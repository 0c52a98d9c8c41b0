/// A family of radial basis functions B_k(x), k = 0…count − 1, of one length-like variable x
/// (the bond length r in Å, or its image under a `DistanceTransform`).
///
/// Conformers: `BesselBasis`, `GaussianBasis`, `ChebyshevBasis`; `RadialBasis` wraps any of them.
/// All methods are allocation-free.
public protocol RadialBasisFunctions: Sendable {
    associatedtype Scalar: MACEFloat
    /// Number of basis functions (mace-torch `num_bessel`).
    var count: Int { get }
    /// Writes B_k(x) into `values` (at least `count` elements).
    func evaluate(_ x: Scalar, into values: UnsafeMutableBufferPointer<Scalar>)
    /// Writes B_k(x) into `values` and dB_k/dx into `derivatives`.
    func evaluate(
        _ x: Scalar, values: UnsafeMutableBufferPointer<Scalar>,
        derivatives: UnsafeMutableBufferPointer<Scalar>)
    /// Returns Σ_k w_k B_k(x) and Σ_k w_k dB_k/dx for weights w (at least `count` elements).
    func contract(_ x: Scalar, with weights: UnsafeBufferPointer<Scalar>)
        -> (value: Scalar, derivative: Scalar)
}

extension RadialBasisFunctions {
    /// Back-propagation: dE/dx = Σ_k (dE/dB_k) dB_k/dx, given dE/dB in `gradient`.
    public func backward(_ x: Scalar, gradient: UnsafeBufferPointer<Scalar>) -> Scalar {
        contract(x, with: gradient).derivative
    }
}

/// The radial basis chosen by a MACE model (mace-torch `radial_type`: "bessel", "gaussian",
/// "chebyshev"), as one concrete type the model can store.
public enum RadialBasis<T: MACEFloat>: RadialBasisFunctions {
    case bessel(BesselBasis<T>)
    case gaussian(GaussianBasis<T>)
    case chebyshev(ChebyshevBasis<T>)

    public var count: Int {
        switch self {
        case .bessel(let b): b.count
        case .gaussian(let b): b.count
        case .chebyshev(let b): b.count
        }
    }

    public func evaluate(_ x: T, into values: UnsafeMutableBufferPointer<T>) {
        switch self {
        case .bessel(let b): b.evaluate(x, into: values)
        case .gaussian(let b): b.evaluate(x, into: values)
        case .chebyshev(let b): b.evaluate(x, into: values)
        }
    }

    public func evaluate(
        _ x: T, values: UnsafeMutableBufferPointer<T>, derivatives: UnsafeMutableBufferPointer<T>
    ) {
        switch self {
        case .bessel(let b): b.evaluate(x, values: values, derivatives: derivatives)
        case .gaussian(let b): b.evaluate(x, values: values, derivatives: derivatives)
        case .chebyshev(let b): b.evaluate(x, values: values, derivatives: derivatives)
        }
    }

    public func contract(_ x: T, with weights: UnsafeBufferPointer<T>) -> (value: T, derivative: T) {
        switch self {
        case .bessel(let b): b.contract(x, with: weights)
        case .gaussian(let b): b.contract(x, with: weights)
        case .chebyshev(let b): b.contract(x, with: weights)
        }
    }
}
