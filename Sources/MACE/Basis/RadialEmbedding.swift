/// MACE's radial embedding of one edge (mace-torch `RadialEmbeddingBlock`, module
/// `radial_embedding`): the edge features fed to the radial MLPs,
///
///     e_k(r) = B_k(x) · f(r),     x = T(r) if a distance transform is set, else x = r
///
///     de_k/dr = B_k′(x) · T′(r) · f(r) + B_k(x) · f′(r)
///
/// with B the radial basis, T the optional `DistanceTransform` and f the `PolynomialCutoff`
/// envelope of the raw length. With `appliesCutoff == false` (mace `apply_cutoff=False`; models
/// pickled without the attribute apply it) the features are B_k(x) alone, and mace multiplies
/// the radial-MLP output `tp_weights` (and any edge density) by f instead; read f from `cutoff`.
public struct RadialEmbedding<T: MACEFloat>: Sendable {
    /// B (`radial_embedding.bessel_fn`).
    public let basis: RadialBasis<T>
    /// f (`radial_embedding.cutoff_fn`).
    public let cutoff: PolynomialCutoff<T>
    /// T (`radial_embedding.distance_transform`), if the model has one.
    public let transform: DistanceTransform<T>?
    /// mace `apply_cutoff` (default true).
    public let appliesCutoff: Bool

    public init(
        basis: RadialBasis<T>, cutoff: PolynomialCutoff<T>, transform: DistanceTransform<T>? = nil,
        appliesCutoff: Bool = true
    ) {
        self.basis = basis
        self.cutoff = cutoff
        self.transform = transform
        self.appliesCutoff = appliesCutoff
    }

    /// Number of features, `num_bessel`.
    public var count: Int { basis.count }

    /// x = T(r), dx/dr and the envelope factor (f, f′), or (1, 0) when the cutoff is not applied.
    @inline(__always) private func prepare(_ r: T, _ z1: Int, _ z2: Int)
        -> (x: T, dx: T, f: T, df: T)
    {
        let (x, dx) = transform?.valueAndDerivative(r, z1, z2) ?? (r, 1)
        let (f, df) = appliesCutoff ? cutoff.valueAndDerivative(r) : (1, 0)
        return (x, dx, f, df)
    }

    /// Writes e_k(r) into `features` (at least `count`) for an edge of length r > 0 (Å)
    /// between atoms of atomic numbers `z1` (sender) and `z2` (receiver); the numbers matter
    /// only with a distance transform.
    public func evaluate(
        _ r: T, _ z1: Int, _ z2: Int, into features: UnsafeMutableBufferPointer<T>
    ) {
        let x = transform?.valueAndDerivative(r, z1, z2).value ?? r
        basis.evaluate(x, into: features)
        guard appliesCutoff else { return }
        let f = cutoff.value(r)
        for k in 0..<count { features[k] *= f }
    }

    /// Writes e_k(r) into `features` and de_k/dr (1/Å) into `derivatives`.
    public func evaluate(
        _ r: T, _ z1: Int, _ z2: Int, features: UnsafeMutableBufferPointer<T>,
        derivatives: UnsafeMutableBufferPointer<T>
    ) {
        let (x, dx, f, df) = prepare(r, z1, z2)
        basis.evaluate(x, values: features, derivatives: derivatives)
        for k in 0..<count {
            let b = features[k]
            features[k] = b * f
            derivatives[k] = derivatives[k] * dx * f + b * df
        }
    }

    /// Back-propagation: dE/dr = Σ_k (dE/de_k) de_k/dr, given dE/de in `gradient`.
    public func backward(_ r: T, _ z1: Int, _ z2: Int, gradient: UnsafeBufferPointer<T>) -> T {
        let (x, dx, f, df) = prepare(r, z1, z2)
        let (value, derivative) = basis.contract(x, with: gradient)
        return derivative * dx * f + value * df
    }
}
