import MDCore
import MDPotentials
import Testing
@testable import MDDynamics

/// For an ideal gas (no forces) the stochastic thermostats alone must produce the canonical
/// kinetic-energy distribution, a Gamma distribution with ⟨K⟩ = N_f k_BT/2 and
/// Var(K) = (2/N_f)⟨K⟩². Cheap, so it runs long enough for a sharp test.
@Suite struct IdealGasTests {
    static func noForces(_ system: AtomicSystem) -> Evaluation {
        Evaluation(energy: 0, forces: Array(repeating: .zero, count: system.count))
    }

    @Test(arguments: [
        Ensemble.csvr(temperature: 300, timeConstant: 20),
        .langevin(temperature: 300, friction: 50),
    ])
    func kineticEnergyIsGammaDistributed(_ ensemble: Ensemble) throws {
        let atoms = 6
        var system = try AtomicSystem(atomicNumbers: Array(repeating: 18, count: atoms),
                                      positions: (0..<atoms).map { SIMD3(Double($0) * 4, 0, 0) })
        system.velocities = try MaxwellBoltzmann.velocities(for: system, temperature: 100, seed: 3)
        var state = try DynamicsState(system: system, forces: Self.noForces)
        var integrator = try AnyIntegrator(ensemble: ensemble, timeStep: 5, seed: 12)
        var kinetic: [Double] = []
        try integrator.run(&state, steps: 40_000, forces: Self.noForces) { s, _ in kinetic.append(s.kineticEnergy) }
        let (mean, variance) = meanAndVariance(Array(kinetic.dropFirst(1000)))
        let nf = Double(state.degreesOfFreedom)
        #expect(nf == 15)
        let expectedMean = 0.5 * nf * Units.boltzmann * 300
        #expect(abs(mean / expectedMean - 1) < 0.03, "\(ensemble): ⟨K⟩/⟨K⟩_canonical = \(mean / expectedMean)")
        let ratio = variance / (2 / nf * expectedMean * expectedMean)
        #expect(abs(ratio - 1) < 0.08, "\(ensemble): Var(K)/canonical = \(ratio)")
        #expect(length(state.system.totalMomentum) < 1e-12)
    }
}
