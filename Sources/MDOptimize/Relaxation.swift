import MDCore
import MDPotentials

/// Which optimizer to use, as a configuration value.
public enum OptimizerKind: String, Codable, Sendable, CaseIterable {
    case fire
    case lbfgs
}

/// FIRE or L-BFGS as one `Codable` value (for drivers that choose at run time).
public enum AnyOptimizer: Optimizer, Equatable {
    case fire(FIRE)
    case lbfgs(LBFGS)

    /// The optimizer of `kind` with ASE's default parameters and the given largest step (Å).
    public init(_ kind: OptimizerKind, maxStep: Double = 0.2) throws {
        switch kind {
        case .fire: self = .fire(try FIRE(maxStep: maxStep))
        case .lbfgs: self = .lbfgs(try LBFGS(maxStep: maxStep))
        }
    }

    public mutating func step(coordinates: [SIMD3<Double>], forces: [SIMD3<Double>], energy: Double) -> [SIMD3<Double>] {
        switch self {
        case .fire(var o):
            let x = o.step(coordinates: coordinates, forces: forces, energy: energy); self = .fire(o); return x
        case .lbfgs(var o):
            let x = o.step(coordinates: coordinates, forces: forces, energy: energy); self = .lbfgs(o); return x
        }
    }
}

/// The outcome of ``relax(_:fixed:relaxCell:pressure:hydrostaticStrain:constantVolume:optimizer:fmax:maxSteps:evaluator:observer:)``.
public struct RelaxationOutcome: Sendable {
    /// The relaxed (or last) structure.
    public var system: AtomicSystem
    /// Converged or not, steps, final energy and max force; its description is the message.
    public var result: OptimizationResult
    /// The raw evaluation at `system` (energy, forces, virial if requested).
    public var evaluation: Evaluation?
}

/// One-call relaxation of atom positions, optionally with the cell (Fréchet cell filter).
///
/// - Parameters:
///   - system: the starting structure (fully periodic when `relaxCell`).
///   - fixed: per-atom mask of fixed atoms (default none).
///   - relaxCell: also relax the cell, driven by the stress (the evaluator must return the virial).
///   - pressure: target scalar pressure in GPa for cell relaxation (default 0).
///   - hydrostaticStrain: with `relaxCell`, only scale the cell uniformly.
///   - constantVolume: with `relaxCell`, keep the volume and relax the shape.
///   - cellMask: with `relaxCell`, which strain components relax (Voigt order xx, yy, zz, yz,
///     xz, xy; default all), as ASE's cell-filter `mask`.
///   - optimizer: FIRE or L-BFGS (ASE defaults, maxstep 0.2 Å).
///   - fmax: convergence threshold on the largest (generalised) force, eV/Å.
///   - maxSteps: step limit; reaching it gives a "not converged" result, not an error.
///   - evaluator: energy, forces (and virial) of a system, e.g. MDDynamics' `NeighborListEvaluator.closure`.
///   - observer: sees the progress, the current structure and its evaluation (energy, forces,
///     virial as the evaluator returned them) at each evaluated point.
public func relax(_ system: AtomicSystem, fixed: [Bool]? = nil, relaxCell: Bool = false, pressure: Double = 0,
                  hydrostaticStrain: Bool = false, constantVolume: Bool = false, cellMask: [Bool]? = nil,
                  optimizer: OptimizerKind = .fire, fmax: Double = 0.05, maxSteps: Int = 1000,
                  evaluator: @escaping ForceEvaluator,
                  observer: ((OptimizationProgress, AtomicSystem, Evaluation?) throws -> Void)? = nil) throws -> RelaxationOutcome {
    var chosen = try AnyOptimizer(optimizer)
    if relaxCell {
        var target = try FrechetCellFilter(system: system, fixed: fixed, pressure: pressure,
                                           hydrostaticStrain: hydrostaticStrain, constantVolume: constantVolume,
                                           cellMask: cellMask, evaluator: evaluator)
        var result = try minimize(&target, optimizer: &chosen, fmax: fmax, maxSteps: maxSteps) { p, t in
            try observer?(p, t.system, t.lastEvaluation)
        }
        if pressure != 0 { result.energyName = "enthalpy E + PV" }
        return RelaxationOutcome(system: target.system, result: result, evaluation: target.lastEvaluation)
    }
    var target = try AtomsOptimizable(system: system, fixed: fixed, evaluator: evaluator)
    let result = try minimize(&target, optimizer: &chosen, fmax: fmax, maxSteps: maxSteps) { p, t in
        try observer?(p, t.system, t.lastEvaluation)
    }
    return RelaxationOutcome(system: target.system, result: result, evaluation: target.lastEvaluation)
}
