/// The Ziegler–Biersack–Littmark screened nuclear repulsion that MACE adds when built with
/// `pair_repulsion=True` (mace-torch `ZBLBasis`, module `pair_repulsion_fn`).
///
/// For a directed edge from sender u to receiver v at distance r (Å), with Z_u, Z_v:
///
///     a    = a_pre · 0.529 / (Z_uᵝ + Z_vᵝ)                    (Å; β = a_exp)
///     φ(x) = c₀ e^(−3.2x) + c₁ e^(−0.9423x) + c₂ e^(−0.4028x) + c₃ e^(−0.2016x)
///     V(r) = 14.3996 · Z_u Z_v / r · φ(r/a)                  (eV)
///     E_edge(r) = ½ · V(r) · f(r)
///
/// with f the `PolynomialCutoff` envelope of power p (mace's `num_polynomial_cutoff`) and
/// r_max = R(Z_u) + R(Z_v) (covalent radii), so E_edge = 0 for r ≥ R(Z_u) + R(Z_v).
/// mace sums E_edge onto the **receiver** node; the neighbour list holds both directions of each
/// pair, so the ½ makes the total the full pair energy V·f once per pair.
///
///     dE_edge/dr = ½ (V′ f + V f′),   V′ = 14.3996 Z_u Z_v (φ′(r/a)/(a r) − φ(r/a)/r²)
///
/// mace-torch buffers (parameters if trainable): `pair_repulsion_fn.c` (c₀…c₃ = 0.1818, 0.5099,
/// 0.2802, 0.02817), `pair_repulsion_fn.a_exp` (β = 0.300), `pair_repulsion_fn.a_prefactor`
/// (a_pre = 0.4543), `pair_repulsion_fn.p`, `pair_repulsion_fn.covalent_radii` (Å). The numbers
/// 0.529, 14.3996 and the four exponents are constants in mace's code.
public struct ZBLRepulsion<T: MACEFloat>: Sendable, Equatable {
    /// c₀…c₃ (`c`), dimensionless; exactly four values.
    public let coefficients: [T]
    /// β (`a_exp`).
    public let screeningExponent: T
    /// a_pre (`a_prefactor`).
    public let screeningPrefactor: T
    /// p of the envelope (`p`).
    public let power: Int
    /// R(Z), Å (`covalent_radii`), indexed by atomic number.
    public let covalentRadii: [T]

    /// The exponents of φ (mace constants 3.2, 0.9423, 0.4028, 0.2016).
    @inline(__always) static func exponent(_ i: Int) -> T {
        switch i {
        case 0: T(3.2)
        case 1: T(0.9423)
        case 2: T(0.4028)
        default: T(0.2016)
        }
    }

    /// - Throws: `BasisError` unless `power` ≥ 1 and `covalentRadii` is non-empty.
    public init(
        coefficients: [T] = [T(0.1818), T(0.5099), T(0.2802), T(0.02817)],
        screeningExponent: T = T(0.300), screeningPrefactor: T = T(0.4543),
        power: Int, covalentRadii: [T] = CovalentRadii.ase.map { T($0) }
    ) throws {
        guard coefficients.count == 4, coefficients.allSatisfy(\.isFinite) else {
            throw BasisError("ZBLBasis: c must hold 4 finite values (got \(coefficients.count))")
        }
        guard power >= 1 else { throw BasisError("ZBLBasis: p \(power) must be at least 1") }
        guard !covalentRadii.isEmpty else { throw BasisError("ZBLBasis: covalent_radii is empty") }
        self.coefficients = coefficients
        self.screeningExponent = screeningExponent
        self.screeningPrefactor = screeningPrefactor
        self.power = power
        self.covalentRadii = covalentRadii
    }

    /// E_edge (eV) for an edge of length r > 0 (Å) from sender Z `zu` to receiver Z `zv`
    /// (1 ≤ Z < covalentRadii.count).
    public func edgeEnergy(_ r: T, _ zu: Int, _ zv: Int) -> T {
        edgeEnergyAndDerivative(r, zu, zv).energy
    }

    /// E_edge (eV) and dE_edge/dr (eV/Å) for an edge of length r > 0 (Å) from sender Z `zu` to
    /// receiver Z `zv` (1 ≤ Z < covalentRadii.count).
    public func edgeEnergyAndDerivative(_ r: T, _ zu: Int, _ zv: Int) -> (energy: T, derivative: T) {
        let rMax = covalentRadii[zu] + covalentRadii[zv]
        let envelope = PolynomialCutoff<T>.valueAndDerivative(r, cutoff: rMax, power: power)
        guard envelope.value != 0 || envelope.derivative != 0 else { return (0, 0) }
        let fu = T(zu), fv = T(zv)
        let a = screeningPrefactor * T(0.529)
            / (T.pow(fu, screeningExponent) + T.pow(fv, screeningExponent))
        let x = r / a
        var phi: T = 0, dphi: T = 0      // φ(x), dφ/dx
        for i in 0..<4 {
            let b = Self.exponent(i)
            let term = coefficients[i] * T.exp(-b * x)
            phi += term
            dphi -= b * term
        }
        let k = T(14.3996) * fu * fv
        let v = k / r * phi
        let dv = k * (dphi / (a * r) - phi / (r * r))
        return (T(0.5) * v * envelope.value,
                T(0.5) * (dv * envelope.value + v * envelope.derivative))
    }
}
