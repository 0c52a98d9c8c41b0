import MDCore

/// A local optimizer: given the coordinates, generalised forces and energy, proposes the
/// next coordinates. Conformers are small `Codable` values holding their own history, and
/// know nothing about atoms or cells (see ``Optimizable``).
public protocol Optimizer: Codable, Sendable {
    /// The next coordinates from the current ones, their forces −∂E/∂x and energy E.
    mutating func step(coordinates: [SIMD3<Double>], forces: [SIMD3<Double>], energy: Double) -> [SIMD3<Double>]
}

/// The outcome of ``minimize(_:optimizer:fmax:maxSteps:observer:)``; a value, not an
/// error, also when the step limit was hit.
public struct OptimizationResult: Sendable, Equatable, CustomStringConvertible {
    /// Whether max |F| ≤ fmax was reached.
    public var converged: Bool
    /// Optimizer steps taken.
    public var steps: Int
    /// Final energy (eV; the enthalpy E + PV for a cell filter under pressure).
    public var energy: Double
    /// What ``energy`` is, as printed: "energy", or "enthalpy E + PV" for a cell relaxation
    /// under a non-zero target pressure.
    public var energyName = "energy"
    /// Final max |F| (eV/Å).
    public var maxForce: Double
    /// The requested threshold (eV/Å).
    public var fmax: Double

    /// "converged after N steps: fmax = … eV/Å ≤ …" or "not converged after N steps, fmax = …".
    public var description: String {
        let f = String(describing: maxForce)
        return converged
            ? "converged after \(steps) steps: fmax = \(f) eV/Å ≤ \(fmax) eV/Å, \(energyName) \(energy) eV"
            : "not converged after \(steps) steps, fmax = \(f) eV/Å > \(fmax) eV/Å, \(energyName) \(energy) eV"
    }
}

/// One line of progress, given to the observer at each evaluated point.
public struct OptimizationProgress: Sendable, Equatable {
    /// Optimizer steps taken so far.
    public var step: Int
    /// Energy (eV; enthalpy for a cell filter).
    public var energy: Double
    /// max |F| over coordinate rows (eV/Å).
    public var maxForce: Double
}

/// Relaxes `target` until max |F| ≤ `fmax` (eV/Å) or `maxSteps` optimizer steps were taken.
/// The observer (if any) sees the progress and the target at every evaluated point,
/// before the convergence test (so also the final point).
///
/// Evaluates, checks convergence, asks the optimizer for new coordinates, repeats. When
/// the limit is hit the result says "not converged" (``OptimizationResult/converged`` is
/// false); only invalid input or a NaN/∞ energy or force throws. On return `target` is at
/// the last evaluated coordinates.
public func minimize<T: Optimizable, O: Optimizer>(
    _ target: inout T, optimizer: inout O, fmax: Double = 0.05, maxSteps: Int = 1000,
    observer: ((OptimizationProgress, T) throws -> Void)? = nil
) throws -> OptimizationResult {
    try requirePositive("fmax", fmax, unit: "eV/Å")
    guard maxSteps >= 0 else {
        throw OptimizeError.invalidParameter(name: "maxSteps", value: Double(maxSteps), requirement: "must be ≥ 0")
    }
    var steps = 0
    while true {
        let evaluation = try target.evaluate()
        guard evaluation.energy.isFinite else { throw OptimizeError.nonFinite(step: steps, what: "the energy") }
        let maxForce = evaluation.maxForce
        guard maxForce.isFinite else { throw OptimizeError.nonFinite(step: steps, what: "a force") }
        try observer?(OptimizationProgress(step: steps, energy: evaluation.energy, maxForce: maxForce), target)
        if maxForce <= fmax || steps >= maxSteps {
            return OptimizationResult(converged: maxForce <= fmax, steps: steps, energy: evaluation.energy,
                                      maxForce: maxForce, fmax: fmax)
        }
        let next = optimizer.step(coordinates: target.coordinates, forces: evaluation.forces,
                                  energy: evaluation.energy)
        try target.setCoordinates(next)
        steps += 1
    }
}

@inline(__always) func dotAll(_ a: [SIMD3<Double>], _ b: [SIMD3<Double>]) -> Double {
    var s = 0.0
    for i in a.indices { s += dot(a[i], b[i]) }
    return s
}
