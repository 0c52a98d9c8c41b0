import MDCore
import Testing
@testable import MDDynamics

/// Short smoke tests on 32 argon atoms (the long statistics are in `macemd-bench thermostats`).
@Suite struct ThermostatTests {
    static let ensembles: [Ensemble] = [
        .langevin(temperature: 300, friction: 10),
        .csvr(temperature: 300, timeConstant: 50),
        .noseHoover(temperature: 300, timeConstant: 50, chainLength: 3),
        .berendsen(temperature: 300, timeConstant: 50),
    ]

    /// Starting at 30 K, each thermostat brings the mean temperature of the second half
    /// of a 1.6 ps run to within 15% of 300 K (32 atoms: σ_T/T ≈ 15% per sample), while
    /// K + U + reservoir stays conserved to 2% of the energy the bath supplied.
    @Test(arguments: ensembles)
    func reachesTargetAndConservesExtendedEnergy(_ ensemble: Ensemble) throws {
        let forces = try argonForces(cutoff: 6.0, skin: 0.5)
        var state = try DynamicsState(system: try thermalArgon(repeats: 2, temperature: 30), forces: forces)
        var integrator = try AnyIntegrator(ensemble: ensemble, timeStep: 4, seed: 42)
        let e0 = state.totalEnergy
        let c0 = integrator.conservedEnergy(state)
        var temperatures: [Double] = []
        try integrator.run(&state, steps: 400, forces: forces) { s, _ in temperatures.append(s.temperature) }
        let mean = meanAndVariance(Array(temperatures.suffix(200))).mean
        let supplied = abs(state.totalEnergy - e0)
        let drift = abs(integrator.conservedEnergy(state) - c0)
        #expect(abs(mean / 300 - 1) < 0.15, "\(ensemble): mean T = \(mean) K")
        #expect(supplied > 0.5, "\(ensemble): the bath should supply energy; ΔE = \(supplied) eV")
        #expect(drift < 0.02 * supplied, "\(ensemble): conserved drift \(drift) eV vs ΔE \(supplied) eV")
        #expect(length(state.system.totalMomentum) < 1e-10, "\(ensemble): momentum not conserved")
    }

    /// Berendsen suppresses kinetic-energy fluctuations (not canonical) while CSVR keeps them:
    /// over the same run the CSVR variance of T is larger.
    @Test func berendsenSuppressesFluctuations() throws {
        let forces = try argonForces(cutoff: 6.0, skin: 0.5)
        func variance(_ ensemble: Ensemble) throws -> Double {
            var state = try DynamicsState(system: try thermalArgon(repeats: 2, temperature: 300), forces: forces)
            var integrator = try AnyIntegrator(ensemble: ensemble, timeStep: 4, seed: 3)
            var temperatures: [Double] = []
            try integrator.run(&state, steps: 300, forces: forces) { s, _ in temperatures.append(s.temperature) }
            return meanAndVariance(Array(temperatures.suffix(200))).variance
        }
        let berendsen = try variance(.berendsen(temperature: 300, timeConstant: 8))
        let csvr = try variance(.csvr(temperature: 300, timeConstant: 8))
        #expect(berendsen < 0.5 * csvr, "Var T: Berendsen \(berendsen), CSVR \(csvr) K²")
    }

    /// A Langevin thermostat at T = 0 with strong friction drains the kinetic energy.
    @Test func zeroTemperatureLangevinCools() throws {
        let forces = try argonForces(cutoff: 6.0, skin: 0.5)
        var state = try DynamicsState(system: try thermalArgon(repeats: 2, temperature: 50), forces: forces)
        var langevin = try LangevinBAOAB(timeStep: 4, temperature: 0, friction: 50, seed: 1)
        try langevin.run(&state, steps: 100, forces: forces)
        #expect(state.temperature < 1, "T = \(state.temperature) K")
    }
}
