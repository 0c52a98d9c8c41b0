import MDCore
import MDPotentials

/// The energy and generalised forces of an ``Optimizable`` at its current coordinates.
public struct GeneralizedEvaluation: Sendable, Equatable {
    /// The objective in eV (the energy, or the enthalpy E + pV for a cell filter).
    public var energy: Double
    /// Generalised forces −∂energy/∂coordinates, one row per coordinate row.
    public var forces: [SIMD3<Double>]

    public init(energy: Double, forces: [SIMD3<Double>]) {
        self.energy = energy
        self.forces = forces
    }

    /// max over rows of |F_row|: the convergence measure (eV/Å for atoms).
    public var maxForce: Double { forces.reduce(0) { Swift.max($0, length($1)) } }
}

/// Anything an optimizer can relax: a list of 3-vectors of generalised coordinates with
/// an energy and generalised forces (ASE's optimizable/filter idea). Atom positions are
/// one conformer, ``FrechetCellFilter`` another, so FIRE and L-BFGS need no change to
/// relax the cell.
public protocol Optimizable {
    /// The current generalised coordinates, one row per "atom".
    var coordinates: [SIMD3<Double>] { get }
    /// Moves to new generalised coordinates (same count).
    mutating func setCoordinates(_ coordinates: [SIMD3<Double>]) throws
    /// Energy and generalised forces at the current coordinates.
    mutating func evaluate() throws -> GeneralizedEvaluation
}

/// Atom positions as the coordinates; fixed atoms keep their positions and get zero force.
public struct AtomsOptimizable: Optimizable {
    /// The system at the current coordinates.
    public private(set) var system: AtomicSystem
    /// Per-atom mask of fixed atoms.
    public let fixed: [Bool]
    /// The last raw evaluation (energy, forces incl. fixed atoms, virial if computed).
    public private(set) var lastEvaluation: Evaluation?
    private let evaluator: ForceEvaluator

    /// - Parameters:
    ///   - system: the starting structure.
    ///   - fixed: per-atom mask (default: none fixed).
    ///   - evaluator: energy and forces of a system.
    public init(system: AtomicSystem, fixed: [Bool]? = nil, evaluator: @escaping ForceEvaluator) throws {
        let mask = try OptimizeError.checked(fixed, count: system.count)
        self.system = system
        self.fixed = mask
        self.evaluator = evaluator
    }

    /// Convenience: evaluates `potential` with a fresh neighbour list at each call.
    public init(system: AtomicSystem, potential: any Potential, fixed: [Bool]? = nil) throws {
        try self.init(system: system, fixed: fixed) { try potential.evaluate($0, request: .energyAndForces) }
    }

    public var coordinates: [SIMD3<Double>] { system.positions }

    public mutating func setCoordinates(_ coordinates: [SIMD3<Double>]) throws {
        guard coordinates.count == system.count else {
            throw OptimizeError.coordinateCountMismatch(expected: system.count, got: coordinates.count)
        }
        for i in 0..<system.count where !fixed[i] { system.positions[i] = coordinates[i] }
    }

    public mutating func evaluate() throws -> GeneralizedEvaluation {
        let evaluation = try evaluator(system)
        guard evaluation.forces.count == system.count else {
            throw OptimizeError.forceCountMismatch(expected: system.count, got: evaluation.forces.count)
        }
        lastEvaluation = evaluation
        var forces = evaluation.forces
        for i in 0..<system.count where fixed[i] { forces[i] = .zero }
        return GeneralizedEvaluation(energy: evaluation.energy, forces: forces)
    }
}
