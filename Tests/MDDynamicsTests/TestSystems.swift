import MDCore
import MDDynamics
import MDPotentials
import TestSupport

/// fcc argon with Maxwell-Boltzmann velocities at `temperature` (K).
func thermalArgon(repeats: Int, temperature: Double, seed: UInt64 = 7) throws -> AtomicSystem {
    var system = try fccArgon(repeats: repeats)
    system.velocities = try MaxwellBoltzmann.velocities(for: system, temperature: temperature, seed: seed)
    return system
}

/// A force evaluator for argon Lennard-Jones (ε = 0.0104 eV, σ = 3.4 Å) with `cutoff` (Å).
func argonForces(cutoff: Double = 8.5, skin: Double = 1.0, request: EvaluationRequest = .energyAndForces) throws -> ForceEvaluator {
    try NeighborListEvaluator(potential: LennardJones.argon(cutoff: cutoff), skin: skin, request: request).closure
}

/// Mean and population variance.
func meanAndVariance(_ x: [Double]) -> (mean: Double, variance: Double) {
    let mean = x.reduce(0, +) / Double(x.count)
    let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count)
    return (mean, variance)
}

/// Argon LJ with a fresh neighbour list per call (no cache), for one-off evaluations.
enum LennardJonesForTests {
    static func evaluate(_ system: AtomicSystem) throws -> Evaluation {
        try LennardJones.argon(cutoff: 6.0).evaluate(system, request: .energyAndForces)
    }
}
