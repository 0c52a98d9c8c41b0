import Foundation
import MDCore
import MDPotentials
import Testing
@testable import MDDynamics

@Suite struct VelocityVerletTests {
    /// Forward N steps, negate the velocities, N steps back: the start is recovered to
    /// round-off (velocity Verlet is time reversible).
    @Test func timeReversible() throws {
        let forces = try argonForces()
        let start = try thermalArgon(repeats: 4, temperature: 60)
        #expect(start.count == 256)
        var state = try DynamicsState(system: start, forces: forces)
        var verlet = try VelocityVerlet(timeStep: 5)
        try verlet.run(&state, steps: 24, forces: forces)
        let moved = zip(state.system.positions, start.positions).map { length($0 - $1) }.max() ?? 0
        #expect(moved > 0.05, "atoms should move measurably; moved \(moved) Å")
        state.system.velocities = state.system.velocities.map { -$0 }
        try verlet.run(&state, steps: 24, forces: forces)
        let error = zip(state.system.positions, start.positions).map { length($0 - $1) }.max() ?? .infinity
        #expect(error < 1e-8, "max |x_back − x_0| = \(error) Å")
    }

    /// The total-energy fluctuation of velocity Verlet scales as Δt²: halving Δt divides
    /// the standard deviation of E over the same simulated time by about 4.
    @Test func energyFluctuationScalesAsTimeStepSquared() throws {
        let forces = try argonForces()
        let start = try thermalArgon(repeats: 2, temperature: 40)
        func energySpread(dt: Double, duration: Double) throws -> Double {
            var state = try DynamicsState(system: start, forces: forces)
            var verlet = try VelocityVerlet(timeStep: dt)
            var energies: [Double] = []
            try verlet.run(&state, steps: Int(duration / dt), forces: forces) { s, _ in energies.append(s.totalEnergy) }
            return meanAndVariance(energies).variance.squareRoot()
        }
        let coarse = try energySpread(dt: 8, duration: 800)
        let fine = try energySpread(dt: 4, duration: 800)
        let ratio = coarse / fine
        #expect(ratio > 3.5 && ratio < 4.5, "σ_E(8 fs)/σ_E(4 fs) = \(ratio), expected ≈ 4")
    }

    /// The total energy is conserved to a small fraction of the kinetic-energy fluctuation.
    @Test func conservesEnergy() throws {
        let forces = try argonForces()
        var state = try DynamicsState(system: try thermalArgon(repeats: 2, temperature: 80), forces: forces)
        var verlet = try VelocityVerlet(timeStep: 2)
        let e0 = state.totalEnergy
        var kinetic: [Double] = []
        var worst = 0.0
        try verlet.run(&state, steps: 200, forces: forces) { s, _ in
            kinetic.append(s.kineticEnergy)
            worst = max(worst, abs(s.totalEnergy - e0))
        }
        let kineticSpread = meanAndVariance(kinetic).variance.squareRoot()
        #expect(worst < 0.01 * kineticSpread, "max |E − E₀| = \(worst) eV vs σ_K = \(kineticSpread) eV")
        #expect(verlet.conservedEnergy(state) == state.totalEnergy)
        #expect(length(state.system.totalMomentum) < 1e-12)
    }
}
