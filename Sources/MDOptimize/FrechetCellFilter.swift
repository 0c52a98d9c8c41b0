import MDCore
import MDPotentials

/// Presents atom positions and the cell to an optimizer together, the way ASE's
/// `FrechetCellFilter` does, so that FIRE and L-BFGS relax the cell without change.
///
/// The cell is H = H₀ Fᵀ (rows a, b, c; H₀ the starting cell) with deformation gradient
/// F = exp(L); atoms sit at r_i = F r⁰_i (row form r_i = r⁰_i Fᵀ). The coordinates are
/// the N reference positions r⁰_i followed by the three rows of c·L, with c =
/// ``cellFactor`` (default N) so cell and atom forces have comparable size. The
/// objective is the enthalpy H = E + pV at the target pressure p.
///
/// Generalised forces. A change dF strains the system by dε = dF F⁻¹, and
/// dE = −W : dε with the virial W, dV = V tr dε, so with W′ = W − pV·I
///
///     ∂H/∂F = −W′ F⁻ᵀ,   ∂H/∂L = D exp(Lᵀ)[∂H/∂F],
///
/// the second by the adjoint of the Fréchet derivative of exp (ASE uses the Fréchet
/// derivative in each of the nine directions; this is the same number in one call).
/// The atom forces are f⁰_i = Fᵀ f_i (row form f_i F), the cell forces −(∂H/∂L)/c.
/// Fixed atoms keep their reference positions r⁰ (they follow the cell affinely).
///
/// Options as in ASE: `hydrostaticStrain` replaces W′ by tr(W′)/3·I (the cell only scales
/// uniformly); `cellMask` multiplies W′ component by component by a 0/1 mask given in Voigt
/// order (xx, yy, zz, yz, xz, xy; ASE's `mask`), so that masked strain components feel no
/// force; `constantVolume` removes the trace of ∂H/∂L (tr L = ln det F stays 0, so the
/// volume is kept).
///
/// Parity: atoms, cell, forces and enthalpy match ASE 3.29's FrechetCellFilter for the same
/// F (test `ASEFrechetParityTests`). ASE's `get_positions` reports the cell rows as
/// N·log(N·F) = c·L + N ln N·I; the constant offset changes neither forces nor optimizer steps.
public struct FrechetCellFilter: Optimizable {
    /// The system at the current coordinates.
    public private(set) var system: AtomicSystem
    /// Per-atom fixed mask.
    public let fixed: [Bool]
    /// The starting cell H₀ (rows, Å).
    public let referenceCell: Matrix3
    /// Target pressure p in eV/Å³.
    public let scalarPressure: Double
    /// The factor c between log-deformation and coordinates (default: number of atoms).
    public let cellFactor: Double
    /// Only uniform scaling of the cell (ASE's `hydrostatic_strain`).
    public let hydrostaticStrain: Bool
    /// Keep the volume fixed (ASE's `constant_volume`).
    public let constantVolume: Bool
    /// The symmetric 0/1 matrix that multiplies the virial (all ones: every component relaxes).
    public let cellMask: Matrix3
    /// The current log-deformation L (F = exp L).
    public private(set) var logDeformation: Matrix3 = .zero
    /// The last raw evaluation at the current coordinates.
    public private(set) var lastEvaluation: Evaluation?
    private var referencePositions: [SIMD3<Double>]
    private let evaluator: ForceEvaluator

    /// - Parameters:
    ///   - system: a fully periodic structure.
    ///   - fixed: per-atom mask (default none).
    ///   - pressure: target scalar pressure in GPa (default 0).
    ///   - cellFactor: c (default N).
    ///   - hydrostaticStrain: relax only the volume, keeping the cell shape (default false).
    ///   - constantVolume: relax only the shape, keeping the volume (default false).
    ///   - cellMask: which strain components relax, six flags in Voigt order (xx, yy, zz, yz,
    ///     xz, xy); default all.
    ///   - evaluator: must return energy, forces and the virial.
    public init(system: AtomicSystem, fixed: [Bool]? = nil, pressure: Double = 0, cellFactor: Double? = nil,
                hydrostaticStrain: Bool = false, constantVolume: Bool = false, cellMask: [Bool]? = nil,
                evaluator: @escaping ForceEvaluator) throws {
        guard system.cell.pbc.isFullyPeriodic else { throw OptimizeError.notFullyPeriodic }
        try system.cell.validate()
        let mask = try OptimizeError.checked(fixed, count: system.count, allowAllFixed: true)
        guard pressure.isFinite else {
            throw OptimizeError.invalidParameter(name: "pressure", value: pressure, requirement: "must be finite (GPa)")
        }
        self.cellMask = try Self.voigtMask(cellMask)
        let factor = cellFactor ?? Double(system.count)
        try requirePositive("cellFactor", factor)
        self.system = system
        self.fixed = mask
        self.referenceCell = system.cell.vectors
        self.scalarPressure = pressure / Units.gigapascalPerEVPerCubicAngstrom
        self.cellFactor = factor
        self.hydrostaticStrain = hydrostaticStrain
        self.constantVolume = constantVolume
        self.referencePositions = system.positions
        self.evaluator = evaluator
    }

    /// Convenience: evaluates `potential` (energy, forces, virial) with a fresh neighbour list.
    public init(system: AtomicSystem, potential: any Potential, fixed: [Bool]? = nil,
                pressure: Double = 0, hydrostaticStrain: Bool = false, constantVolume: Bool = false,
                cellMask: [Bool]? = nil) throws {
        try self.init(system: system, fixed: fixed, pressure: pressure, hydrostaticStrain: hydrostaticStrain,
                      constantVolume: constantVolume, cellMask: cellMask) {
            try potential.evaluate($0, request: .all)
        }
    }

    /// The symmetric matrix of a Voigt-order mask (xx, yy, zz, yz, xz, xy), 1 where relaxed.
    static func voigtMask(_ flags: [Bool]?) throws -> Matrix3 {
        guard let flags else { return Matrix3(rows: SIMD3(1, 1, 1), SIMD3(1, 1, 1), SIMD3(1, 1, 1)) }
        guard flags.count == 6 else { throw OptimizeError.maskLengthMismatch(expected: 6, got: flags.count) }
        let v = flags.map { $0 ? 1.0 : 0.0 }
        return Matrix3(rows: SIMD3(v[0], v[5], v[4]), SIMD3(v[5], v[1], v[3]), SIMD3(v[4], v[3], v[2]))
    }

    /// The deformation gradient F = exp(L).
    public var deformationGradient: Matrix3 { logDeformation.exponential }

    public var coordinates: [SIMD3<Double>] {
        referencePositions + (0..<3).map { cellFactor * logDeformation[row: $0] }
    }

    public mutating func setCoordinates(_ coordinates: [SIMD3<Double>]) throws {
        let n = system.count
        guard coordinates.count == n + 3 else {
            throw OptimizeError.coordinateCountMismatch(expected: n + 3, got: coordinates.count)
        }
        for i in 0..<n where !fixed[i] { referencePositions[i] = coordinates[i] }
        logDeformation = Matrix3(rows: coordinates[n] / cellFactor, coordinates[n + 1] / cellFactor,
                                 coordinates[n + 2] / cellFactor)
        let ft = deformationGradient.transposed
        system.cell.vectors = referenceCell * ft
        system.positions = referencePositions.map { $0 * ft }
    }

    public mutating func evaluate() throws -> GeneralizedEvaluation {
        let evaluation = try evaluator(system)
        guard evaluation.forces.count == system.count else {
            throw OptimizeError.forceCountMismatch(expected: system.count, got: evaluation.forces.count)
        }
        guard let virial = evaluation.virial else { throw OptimizeError.missingVirial }
        lastEvaluation = evaluation
        let f = deformationGradient
        guard let fInverse = f.inverse else { throw OptimizeError.nonFinite(step: 0, what: "the deformation gradient") }
        let volume = system.cell.volume
        var forces = (0..<system.count).map { fixed[$0] ? SIMD3<Double>.zero : evaluation.forces[$0] * f }
        var effectiveVirial = virial - (scalarPressure * volume) * Matrix3.identity
        if hydrostaticStrain { effectiveVirial = (effectiveVirial.trace / 3) * Matrix3.identity }
        for a in 0..<3 { for b in 0..<3 { effectiveVirial[a, b] *= cellMask[a, b] } }
        let gradientF = -1 * (effectiveVirial * fInverse.transposed)
        var gradientL = logDeformation.transposed.exponentialDerivative(direction: gradientF)
        if constantVolume { gradientL = gradientL - (gradientL.trace / 3) * Matrix3.identity }
        for r in 0..<3 { forces.append((-1 / cellFactor) * gradientL[row: r]) }
        return GeneralizedEvaluation(energy: evaluation.energy + scalarPressure * volume, forces: forces)
    }

    /// The stress of the last evaluation in eV/Å³ (ASE sign), if any.
    public var stress: Matrix3? { lastEvaluation?.stress(volume: system.cell.volume) }
}
