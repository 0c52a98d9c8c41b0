import MDCore
import Testing
import TestSupport
@testable import MDDynamics

@Suite struct MaxwellBoltzmannTests {
    @Test func exactTemperatureAndZeroMomentum() throws {
        let system = try fccArgon(repeats: 2)
        let v = try MaxwellBoltzmann.velocities(for: system, temperature: 300, seed: 11)
        var moving = system
        moving.velocities = v
        let state = try DynamicsState(system: moving) { try LennardJonesForTests.evaluate($0) }
        #expect(state.degreesOfFreedom == 3 * 32 - 3)
        #expect(abs(state.temperature - 300) < 1e-10)
        #expect(length(moving.totalMomentum) < 1e-12)
    }

    @Test func sameSeedSameVelocitiesDifferentSeedDifferent() throws {
        let system = try fccArgon(repeats: 2)
        let a = try MaxwellBoltzmann.velocities(for: system, temperature: 100, seed: 3)
        let b = try MaxwellBoltzmann.velocities(for: system, temperature: 100, seed: 3)
        let c = try MaxwellBoltzmann.velocities(for: system, temperature: 100, seed: 4)
        #expect(a == b)
        #expect(a != c)
    }

    /// Without rescaling, ⟨m v²⟩ per component estimates k_B T (many atoms).
    @Test func unscaledVelocitiesHaveThermalVariance() throws {
        let n = 6000
        let masses = (0..<n).map { 1 + Double($0 % 5) * 10 }
        var rng = Xoshiro256StarStar(seed: 8)
        let v = try MaxwellBoltzmann.velocities(masses: masses, temperature: 500, rng: &rng, exactTemperature: false)
        var sum = 0.0
        for i in 0..<n { sum += masses[i] * dot(v[i], v[i]) }
        let kT = sum * Units.kineticEnergyPerMassVelocitySquared / Double(3 * n - 3)
        #expect(abs(kT / (Units.boltzmann * 500) - 1) < 5 * (2.0 / Double(3 * n)).squareRoot())
    }

    /// Fixed atoms get zero velocity, the centre of mass is not removed, N_f = 3·N_free.
    @Test func fixedAtoms() throws {
        let system = try fccArgon(repeats: 2)
        var fixed = Array(repeating: false, count: system.count)
        for i in 0..<8 { fixed[i] = true }
        var moving = system
        moving.velocities = try MaxwellBoltzmann.velocities(for: system, temperature: 200, seed: 1, fixed: fixed)
        #expect(moving.velocities[0..<8].allSatisfy { $0 == .zero })
        let state = try DynamicsState(system: moving, fixed: fixed) { try LennardJonesForTests.evaluate($0) }
        #expect(state.degreesOfFreedom == 3 * 24)
        #expect(abs(state.temperature - 200) < 1e-10)
    }

    @Test func badInput() throws {
        let system = try fccArgon(repeats: 1)
        #expect(throws: DynamicsError.self) {
            try MaxwellBoltzmann.velocities(for: system, temperature: -1, seed: 1)
        }
        #expect(throws: DynamicsError.allAtomsFixed(count: 4)) {
            try MaxwellBoltzmann.velocities(for: system, temperature: 10, seed: 1, fixed: [true, true, true, true])
        }
        #expect(throws: DynamicsError.maskLengthMismatch(expected: 4, got: 2)) {
            try MaxwellBoltzmann.velocities(for: system, temperature: 10, seed: 1, fixed: [true, false])
        }
    }
}
