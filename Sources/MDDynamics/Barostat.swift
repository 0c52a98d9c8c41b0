import MDCore

/// Which cell deformations a barostat may make (LAMMPS `iso` / `aniso` / `tri` and `couple xy`,
/// GROMACS `isotropic` / `semiisotropic` / `anisotropic` with off-diagonal compressibilities).
public enum PressureCoupling: String, Codable, Sendable, CaseIterable {
    /// One scaling factor for the whole cell, driven by the scalar pressure tr(P)/3.
    case isotropic
    /// One scaling factor for x and y (the plane), driven by (P_xx + P_yy)/2, and an independent one
    /// for z, driven by P_zz (GROMACS `pcoupltype = semiisotropic`, LAMMPS `aniso … couple xy`):
    /// membranes, slabs and layered materials.
    case semiIsotropic = "semi-isotropic"
    /// Independent scaling along x, y and z (diagonal strain), driven by P_xx, P_yy, P_zz.
    case anisotropic
    /// The full symmetric strain (lengths and angles), driven by the whole pressure tensor.
    case triclinic
}

/// The parameters a barostat shares with every other: target pressure, coupling time,
/// the compressibility that sets how hard the cell is pushed, the coupling and which
/// strain components may change.
///
/// Strain, pressure and target are Cartesian tensors; a strain e deforms positions and the
/// cell vectors as r → exp(e)·r. Pressure is positive when the system pushes outwards
/// (P = (K + W)/V, see ``DynamicsState/pressureTensor``); the target is written the same way,
/// so `P₀ = p₀·1` is a hydrostatic pressure p₀ (LAMMPS and GROMACS convention).
public struct BarostatParameters: Codable, Sendable, Equatable {
    /// Target pressure tensor P₀ in eV/Å³ (symmetric).
    public let targetPressure: Matrix3
    /// Coupling time τ_p in fs: with ``compressibility`` equal to the system's own, the volume
    /// relaxes towards equilibrium with this time constant.
    public let timeConstant: Double
    /// The compressibility β_T assumed by the barostat in Å³/eV (= 1/bulk modulus); only the
    /// ratio β_T/τ_p matters for the dynamics, and the equilibrium distribution does not depend on it.
    public let compressibility: Double
    /// Which deformations are allowed.
    public let coupling: PressureCoupling
    /// Voigt flags xx, yy, zz, yz, xz, xy: components whose strain stays zero are false.
    public let mask: [Bool]

    /// The parameters as given; ``validate()`` checks them (the barostats call it).
    /// - Parameters:
    ///   - targetPressure: P₀ in eV/Å³ (symmetric; hydrostatic for isotropic coupling).
    ///   - timeConstant: τ_p in fs (> 0).
    ///   - bulkModulus: the bulk modulus assumed by the barostat in eV/Å³ (> 0), β_T = 1/B.
    ///   - coupling: isotropic, anisotropic or triclinic.
    ///   - mask: six Voigt flags (nil: every component the coupling allows). Isotropic coupling
    ///     takes no mask; anisotropic coupling only diagonal flags.
    public init(targetPressure: Matrix3, timeConstant: Double, bulkModulus: Double,
                coupling: PressureCoupling, mask: [Bool]? = nil) {
        self.targetPressure = targetPressure
        self.timeConstant = timeConstant
        self.compressibility = 1 / bulkModulus
        self.coupling = coupling
        self.mask = mask ?? Self.allowedComponents(coupling)
    }

    /// Throws ``DynamicsError/invalidParameter(name:value:requirement:)`` for a non-positive time
    /// or modulus, a non-symmetric target, a mask the coupling cannot honour, or a non-hydrostatic
    /// target with isotropic coupling.
    public func validate() throws {
        try requirePositive("barostat timeConstant", timeConstant, unit: "fs")
        try requirePositive("compressibility", compressibility, unit: "Å³/eV")
        guard targetPressure.isFinite, (targetPressure - targetPressure.transposed).maxAbs <= 1e-12 * max(1, targetPressure.maxAbs) else {
            throw DynamicsError.invalidParameter(name: "target pressure", value: targetPressure.maxAbs,
                                                 requirement: "must be a finite symmetric tensor")
        }
        let allowed = Self.allowedComponents(coupling)
        guard mask.count == 6 else {
            throw DynamicsError.invalidParameter(name: "cell mask", value: Double(mask.count), requirement: "must have 6 Voigt flags")
        }
        for k in 0..<6 where mask[k] && !allowed[k] {
            throw DynamicsError.invalidParameter(name: "cell mask", value: 1, requirement:
                "\(coupling.rawValue) coupling cannot change the strain component \(Self.voigtNames[k]); use triclinic coupling")
        }
        if coupling == .isotropic {
            guard mask == allowed else {
                throw DynamicsError.invalidParameter(name: "cell mask", value: 0, requirement:
                    "isotropic coupling scales the whole cell; use anisotropic or triclinic coupling with a mask")
            }
            let p = targetPressure.trace / 3
            guard (targetPressure - Matrix3(diagonal: SIMD3(p, p, p))).maxAbs <= 1e-12 * max(1, abs(p)) else {
                throw DynamicsError.invalidParameter(name: "target pressure", value: targetPressure.maxAbs,
                                                     requirement: "isotropic coupling needs a hydrostatic target pressure")
            }
        } else if coupling == .anisotropic || coupling == .semiIsotropic {
            guard targetPressure[0, 1] == 0, targetPressure[0, 2] == 0, targetPressure[1, 2] == 0 else {
                throw DynamicsError.invalidParameter(name: "target pressure", value: targetPressure.maxAbs, requirement:
                    "\(coupling.rawValue) coupling takes no shear target (yz, xz, xy); use triclinic coupling")
            }
        }
        if coupling == .semiIsotropic {
            guard mask[0] == mask[1] else {
                throw DynamicsError.invalidParameter(name: "cell mask", value: 0, requirement:
                    "semi-isotropic coupling scales x and y together: give xx and yy the same flag")
            }
            guard targetPressure[0, 0] == targetPressure[1, 1] else {
                throw DynamicsError.invalidParameter(name: "target pressure", value: targetPressure.maxAbs, requirement:
                    "semi-isotropic coupling needs the same target for xx and yy; use anisotropic coupling")
            }
        }
        guard mask.contains(true) else {
            throw DynamicsError.invalidParameter(name: "cell mask", value: 0, requirement: "must let at least one component change")
        }
    }

    /// The target tensor from six Voigt components xx yy zz yz xz xy.
    public static func tensor(voigt v: [Double]) -> Matrix3 {
        Matrix3(rows: SIMD3(v[0], v[5], v[4]), SIMD3(v[5], v[1], v[3]), SIMD3(v[4], v[3], v[2]))
    }

    /// Voigt order of the mask.
    public static let voigtNames = ["xx", "yy", "zz", "yz", "xz", "xy"]
    /// The (row, column) of each Voigt component.
    static let voigtIndices = [(0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1)]

    /// The Voigt components a coupling can change.
    static func allowedComponents(_ coupling: PressureCoupling) -> [Bool] {
        coupling == .triclinic ? Array(repeating: true, count: 6) : [true, true, true, false, false, false]
    }

    /// The hydrostatic target p₀ = tr(P₀)/3 in eV/Å³.
    public var targetScalarPressure: Double { targetPressure.trace / 3 }

    /// The deterministic strain of one barostat step of `dt` fs towards the target (Berendsen, and
    /// the drift of stochastic cell rescaling), an Euler step in the logarithmic strain:
    ///
    ///     isotropic:       e = (β_T Δt / 3τ_p)(p − p₀)·1,  p = tr(P)/3
    ///     semi-isotropic:  e_xx = e_yy = (β_T Δt / 3τ_p)((P_xx + P_yy)/2 − P₀_xx),  e_zz = (β_T Δt / 3τ_p)(P_zz − P₀_zz)
    ///     anisotropic/triclinic: e_ab = (β_T Δt / 3τ_p)(P_ab − P₀_ab)   for unmasked ab.
    ///
    /// Isotropic: d ln V = tr e = (β_T/τ_p)(p − p₀) dt, Bernetti & Bussi's equation for ε = ln(V/V₀)
    /// (GROMACS reference manual, eq. `eqnstochasticcellrescaling`; the Euler scheme "E" of the
    /// authors' SimpleMD). Semi-isotropic: ε_xy = ln(A/A₀) = 2e_xx moves with (2β_T/3τ_p)((P_xx + P_yy)/2 − P₀)
    /// and ε_z with (β_T/3τ_p)(P_zz − P₀) (GROMACS eqs. `eqnstochasticcellrescalingxy`/`…z`, surface
    /// tension zero). There is no k_BT/V term in these logarithmic variables: the +k_BT/V that
    /// Bernetti & Bussi's equation for V (and Del Tatto et al.'s for the box lengths h, as in their
    /// LAMMPS `fix press/crescale`) carries is cancelled by Itô's correction −½(dε)²/dt = −β_T k_BT/(τ_p V)
    /// when dV/V becomes d ln V. (Keeping it here would bias ⟨V⟩ upwards by κ_T k_BT.)
    func driftStrain(pressure: Matrix3, dt: Double) -> Matrix3 {
        let rate = compressibility * dt / (3 * timeConstant)
        switch coupling {
        case .isotropic:
            let e = rate * (pressure.trace / 3 - targetScalarPressure)
            return Matrix3(diagonal: SIMD3(e, e, e))
        case .semiIsotropic:
            let exy = mask[0] ? rate * (0.5 * (pressure[0, 0] + pressure[1, 1]) - targetPressure[0, 0]) : 0
            let ez = mask[2] ? rate * (pressure[2, 2] - targetPressure[2, 2]) : 0
            return Matrix3(diagonal: SIMD3(exy, exy, ez))
        case .anisotropic, .triclinic:
            var e = Matrix3.zero
            for (k, (a, b)) in Self.voigtIndices.enumerated() where mask[k] {
                e[a, b] = rate * (0.5 * (pressure[a, b] + pressure[b, a]) - targetPressure[a, b])
                e[b, a] = e[a, b]
            }
            return e
        }
    }

    /// The random strain of one C-rescale step, with fluctuation–dissipation matched to
    /// ``driftStrain(pressure:dt:)`` (mobility β_T/(3τ_p V) per diagonal component):
    ///
    ///     isotropic:       e = √(2 k_BT β_T Δt / (τ_p V)) ξ / 3 · 1     (one ξ; Var(tr e) = 2k_BTβ_TΔt/(τ_pV))
    ///     semi-isotropic:  e_xx = e_yy = √(k_BT β_T Δt / (3τ_p V)) ξ_xy,  e_zz = √(2 k_BT β_T Δt / (3τ_p V)) ξ_z
    ///                      (Var(ln A) = 4k_BTβ_TΔt/(3τ_pV), GROMACS `eqnstochasticcellrescalingxy`)
    ///     diagonal aa:     e_aa = √(2 k_BT β_T Δt / (3τ_p V)) ξ_aa          (Del Tatto et al. 2022)
    ///     shear ab:        e_ab = e_ba = √(k_BT β_T Δt / (3τ_p V)) ξ_ab     (one ξ for the symmetric pair)
    ///
    /// `kT` in eV, `volume` in Å³; draws from `rng` in Voigt order, masked components skipped.
    func noiseStrain(kT: Double, volume: Double, dt: Double, rng: inout Xoshiro256StarStar) -> Matrix3 {
        let variance = 2 * kT * compressibility * dt / (timeConstant * volume)
        switch coupling {
        case .isotropic:
            let e = variance.squareRoot() * rng.normalPair().0 / 3
            return Matrix3(diagonal: SIMD3(e, e, e))
        case .semiIsotropic:
            let exy = mask[0] ? (variance / 6).squareRoot() * rng.normalPair().0 : 0
            let ez = mask[2] ? (variance / 3).squareRoot() * rng.normalPair().0 : 0
            return Matrix3(diagonal: SIMD3(exy, exy, ez))
        case .anisotropic, .triclinic:
            var m = Matrix3.zero
            for (k, (a, b)) in Self.voigtIndices.enumerated() where mask[k] {
                let sigma = (a == b ? variance / 3 : variance / 6).squareRoot()
                m[a, b] = sigma * rng.normalPair().0
                m[b, a] = m[a, b]
            }
            return m
        }
    }

    /// The independent strain modes the barostat moves (its degrees of freedom): 1 for isotropic,
    /// the unmasked of (xy plane, z) for semi-isotropic, the unmasked Voigt components otherwise.
    public var strainModes: Int {
        switch coupling {
        case .isotropic: 1
        case .semiIsotropic: (mask[0] ? 1 : 0) + (mask[2] ? 1 : 0)
        case .anisotropic, .triclinic: mask.filter { $0 }.count
        }
    }
}

extension Matrix3 {
    /// Σ_ab A_ab B_ab.
    func contracted(with other: Matrix3) -> Double {
        var s = 0.0
        for a in 0..<3 { for b in 0..<3 { s += self[a, b] * other[a, b] } }
        return s
    }

    /// exp(A) by scaling and squaring with an 8-term Taylor series (IEEE arithmetic only, so a
    /// restart reproduces it bit for bit on any platform).
    var exponential: Matrix3 {
        var squarings = 0
        var scaled = self
        while scaled.maxAbs > 1e-2 { scaled = 0.5 * scaled; squarings += 1 }
        var result = Matrix3.identity
        var term = Matrix3.identity
        for k in 1...8 {
            term = (1 / Double(k)) * (term * scaled)
            result += term
        }
        for _ in 0..<squarings { result = result * result }
        return result
    }
}
