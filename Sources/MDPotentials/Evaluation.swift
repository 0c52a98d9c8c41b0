import MDCore

/// The result of a ``Potential`` evaluation.
///
/// Sign conventions (those of ASE):
/// - forces F_i = −∂E/∂x_i;
/// - virial W = −∂E/∂ε, the derivative with respect to a homogeneous symmetric strain ε
///   applied to cell and positions (x → (1 + ε)x); for pair terms W = Σ_pairs r_ij ⊗ F_ij,
///   with F_ij the force on j from the pair;
/// - stress σ = −W/V = (1/V) ∂E/∂ε, negative under compression; pressure p = −tr(σ)/3.
public struct Evaluation: Sendable, Equatable {
    /// Potential energy in eV.
    public var energy: Double
    /// Forces in eV/Å, one per atom (empty when not requested).
    public var forces: [SIMD3<Double>]
    /// Virial in eV (nil when not requested).
    public var virial: Matrix3?
    /// Energy of each atom in eV, Σ_i E_i = ``energy`` (nil when not requested or when the
    /// potential cannot split its energy). Pair potentials give each atom half of each of its
    /// pair energies; MACE gives each atom its node energy.
    public var atomEnergies: [Double]?

    public init(energy: Double, forces: [SIMD3<Double>] = [], virial: Matrix3? = nil, atomEnergies: [Double]? = nil) {
        self.energy = energy
        self.forces = forces
        self.virial = virial
        self.atomEnergies = atomEnergies
    }

    /// Stress σ = −W/V in eV/Å³ (ASE's sign), or nil without a virial or a volume.
    public func stress(volume: Double) -> Matrix3? {
        guard let virial, volume > 0 else { return nil }
        return (-1 / volume) * virial
    }

    /// Adds another evaluation of the same system term by term (per-atom energies only when
    /// both have them).
    public static func + (a: Evaluation, b: Evaluation) -> Evaluation {
        var forces = a.forces
        if forces.isEmpty { forces = b.forces } else if !b.forces.isEmpty {
            for i in forces.indices { forces[i] += b.forces[i] }
        }
        let virial: Matrix3? = switch (a.virial, b.virial) {
        case let (x?, y?): x + y
        case let (x?, nil): x
        case let (nil, y?): y
        default: nil
        }
        var atomEnergies: [Double]? = nil
        if let x = a.atomEnergies, let y = b.atomEnergies { atomEnergies = zip(x, y).map { $0 + $1 } }
        return Evaluation(energy: a.energy + b.energy, forces: forces, virial: virial, atomEnergies: atomEnergies)
    }

    /// The largest force magnitude max_i |F_i| in eV/Å (0 without forces).
    public var maxForce: Double {
        forces.reduce(0) { Swift.max($0, length($1)) }
    }
}
