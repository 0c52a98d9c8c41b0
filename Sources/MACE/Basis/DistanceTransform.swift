/// MACE's optional distance transforms (mace-torch `distance_transform="Agnesi"` or `"Soft"`),
/// applied to the bond length before the radial basis (the cutoff envelope still sees the
/// raw length). Both depend on the covalent radii R(Z) of the two atoms, through the buffer
/// `radial_embedding.distance_transform.covalent_radii` (indexed by Z; `CovalentRadii.ase`).
public enum DistanceTransform<T: MACEFloat>: Sendable, Equatable {
    case agnesi(AgnesiTransform<T>)
    case soft(SoftTransform<T>)

    /// T(r) (Å for Soft, dimensionless for Agnesi) and dT/dr for a bond of length r (Å)
    /// between atoms of atomic numbers `z1` and `z2` (both transforms are symmetric in them).
    public func valueAndDerivative(_ r: T, _ z1: Int, _ z2: Int) -> (value: T, derivative: T) {
        switch self {
        case .agnesi(let t): t.valueAndDerivative(r, z1, z2)
        case .soft(let t): t.valueAndDerivative(r, z1, z2)
        }
    }
}

/// Agnesi transform (ACEpotentials.jl, J. Chem. Phys. 159, 164101 (2023); mace-torch
/// `AgnesiTransform`):
///
///     r₀ = (R(Z₁) + R(Z₂)) / 2,   u = r / r₀
///     T(r) = 1 / (1 + a uᵠ / (1 + u^(q − p)))
///     dT/dr = −T² · (F / r) · (q − (q − p) · u^(q−p) / (1 + u^(q−p))),   F = a uᵠ / (1 + u^(q−p))
///
/// mace-torch buffers (parameters if trainable): `a` = 1.0805, `q` = 0.9183, `p` = 4.5791
/// at initialisation; `covalent_radii` (Å).
public struct AgnesiTransform<T: MACEFloat>: Sendable, Equatable {
    public let a: T
    public let q: T
    public let p: T
    /// R(Z), Å, indexed by atomic number.
    public let covalentRadii: [T]

    public init(
        a: T = T(1.0805), q: T = T(0.9183), p: T = T(4.5791),
        covalentRadii: [T] = CovalentRadii.ase.map { T($0) }
    ) {
        self.a = a
        self.q = q
        self.p = p
        self.covalentRadii = covalentRadii
    }

    /// T(r) and dT/dr (1/Å) for a bond of length r > 0 (Å) between atoms `z1`, `z2`
    /// (0 ≤ Z < covalentRadii.count).
    public func valueAndDerivative(_ r: T, _ z1: Int, _ z2: Int) -> (value: T, derivative: T) {
        let r0 = T(0.5) * (covalentRadii[z1] + covalentRadii[z2])
        let u = r / r0
        let uq = T.pow(u, q)
        let uqp = T.pow(u, q - p)
        let denominator = 1 + uqp
        let f = a * uq / denominator
        let value = 1 / (1 + f)
        let dfdr = f / r * (q - (q - p) * uqp / denominator)
        return (value, -value * value * dfdr)
    }
}

/// Tanh-based soft transform (mace-torch `SoftTransform`), which lifts short distances to
/// about p₀ and leaves long ones unchanged:
///
///     r₀ = R(Z₁) + R(Z₂),   p₀ = ¾ r₀,   p₁ = (4/3) r₀,   m = (p₀ + p₁)/2,   α = α₀/(p₁ − p₀)
///     s(r) = ½ (1 + tanh(α (r − m)))
///     T(r) = p₀ + (r − p₀) s(r)
///     dT/dr = s + (r − p₀) · ½ α (1 − tanh²(α (r − m)))
///
/// mace-torch buffer (parameter if trainable): `alpha` (α₀ = 4.0 at initialisation);
/// `covalent_radii` (Å).
public struct SoftTransform<T: MACEFloat>: Sendable, Equatable {
    /// α₀, dimensionless.
    public let alpha: T
    /// R(Z), Å, indexed by atomic number.
    public let covalentRadii: [T]

    public init(alpha: T = 4, covalentRadii: [T] = CovalentRadii.ase.map { T($0) }) {
        self.alpha = alpha
        self.covalentRadii = covalentRadii
    }

    /// T(r) (Å) and dT/dr for a bond of length r (Å) between atoms `z1`, `z2`
    /// (0 ≤ Z < covalentRadii.count).
    public func valueAndDerivative(_ r: T, _ z1: Int, _ z2: Int) -> (value: T, derivative: T) {
        let r0 = covalentRadii[z1] + covalentRadii[z2]
        let p0 = T(0.75) * r0
        let p1 = T(4.0 / 3.0) * r0
        let m = T(0.5) * (p0 + p1)
        let scaledAlpha = alpha / (p1 - p0)
        let t = T.tanh(scaledAlpha * (r - m))
        let s = T(0.5) * (1 + t)
        let value = p0 + (r - p0) * s
        let derivative = s + (r - p0) * T(0.5) * scaledAlpha * (1 - t * t)
        return (value, derivative)
    }
}
