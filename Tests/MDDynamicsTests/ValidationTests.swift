import MDCore
import MDPotentials
import Testing
import TestSupport
@testable import MDDynamics

@Suite struct ValidationTests {
    @Test func badParametersAreNamed() {
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch { return "\(error)" }
        }
        #expect(message { _ = try VelocityVerlet(timeStep: 0) }.contains("timeStep"))
        #expect(message { _ = try VelocityVerlet(timeStep: -1) }.contains("timeStep"))
        #expect(message { _ = try LangevinBAOAB(timeStep: 1, temperature: -5, friction: 1, seed: 0) }.contains("temperature"))
        #expect(message { _ = try LangevinBAOAB(timeStep: 1, temperature: 5, friction: -1, seed: 0) }.contains("friction"))
        #expect(message { _ = try BussiCSVR(timeStep: 1, temperature: 5, timeConstant: 0, seed: 0) }.contains("timeConstant"))
        #expect(message { _ = try NoseHooverChain(timeStep: 1, temperature: 0, timeConstant: 10) }.contains("temperature"))
        #expect(message { _ = try NoseHooverChain(timeStep: 1, temperature: 9, timeConstant: 10, chainLength: 0) }.contains("chainLength"))
        #expect(message { _ = try Berendsen(timeStep: .nan, temperature: 5, timeConstant: 10) }.contains("timeStep"))
    }

    @Test func allAtomsFixedIsAnError() throws {
        let system = try fccArgon(repeats: 1)
        #expect(throws: DynamicsError.allAtomsFixed(count: 4)) {
            _ = try DynamicsState(system: system, fixed: [true, true, true, true]) { try LennardJonesForTests.evaluate($0) }
        }
    }

    /// Fixed atoms keep their positions and zero velocity under a stochastic thermostat,
    /// and the others still reach the target temperature measured with N_f = 3·N_free.
    @Test func fixedAtomsDoNotMove() throws {
        let forces = try argonForces(cutoff: 6.0, skin: 0.5)
        let system = try thermalArgon(repeats: 2, temperature: 100)
        let fixed = (0..<system.count).map { $0 % 4 == 0 }
        var state = try DynamicsState(system: system, fixed: fixed, forces: forces)
        #expect(state.degreesOfFreedom == 3 * 24)
        var langevin = try LangevinBAOAB(timeStep: 4, temperature: 300, friction: 20, seed: 2)
        var temperatures: [Double] = []
        try langevin.run(&state, steps: 200, forces: forces) { s, _ in temperatures.append(s.temperature) }
        for i in 0..<system.count where fixed[i] {
            #expect(state.system.positions[i] == system.positions[i])
            #expect(state.system.velocities[i] == .zero)
            #expect(state.forces[i] == .zero)
        }
        let mean = meanAndVariance(Array(temperatures.suffix(100))).mean
        #expect(abs(mean / 300 - 1) < 0.2, "mean T of free atoms \(mean) K")
    }

    /// Two atoms 1 Å apart: the first step flings them apart; the error names the step and
    /// the atom, and neither the state nor the integrator's RNG changes.
    @Test func explosionKeepsLastGoodState() throws {
        var system = try fccArgon(repeats: 2)
        system.positions[1] = system.positions[0] + SIMD3(1.0, 0, 0)
        let forces = try argonForces(cutoff: 6.0, skin: 0.5)
        var state = try DynamicsState(system: system, forces: forces)
        var integrator = try LangevinBAOAB(timeStep: 2, temperature: 300, friction: 1, seed: 4)
        let (stateBefore, integratorBefore) = (state, integrator)
        var message = ""
        do { try integrator.step(&state, forces: forces) } catch { message = "\(error)" }
        #expect(message.contains("step 1") && message.contains("moved"), "got: \(message)")
        #expect(state == stateBefore)
        #expect(integrator == integratorBefore)
    }

    /// A potential that returns NaN is caught with the step number.
    @Test func nonFiniteEnergyIsAnExplosion() throws {
        let system = try thermalArgon(repeats: 1, temperature: 10)
        var calls = 0
        let forces: ForceEvaluator = { system in
            calls += 1
            var e = try LennardJonesForTests.evaluate(system)
            if calls > 3 { e.energy = .nan }
            return e
        }
        var state = try DynamicsState(system: system, forces: forces)
        var verlet = try VelocityVerlet(timeStep: 1)
        var message = ""
        do { try verlet.run(&state, steps: 10, forces: forces) } catch { message = "\(error)" }
        #expect(state.step == 2)
        #expect(message.contains("step 3") && message.contains("energy"), "got: \(message)")
    }
}
