import Foundation
import MDCore
import Testing
@testable import MDDynamics

/// Integrator and state are a restart point: N steps, JSON round trip, N more steps
/// reproduce 2N uninterrupted steps bit for bit.
@Suite struct RestartTests {
    @Test(arguments: [
        Ensemble.nve,
        .langevin(temperature: 300, friction: 5),
        .csvr(temperature: 300, timeConstant: 40),
        .noseHoover(temperature: 300, timeConstant: 40, chainLength: 3),
        .berendsen(temperature: 300, timeConstant: 40),
    ])
    func restartIsBitIdentical(_ ensemble: Ensemble) throws {
        let n = 8
        let start = try thermalArgon(repeats: 2, temperature: 200, seed: 5)
        let uninterruptedForces = try argonForces(cutoff: 6.0, skin: 0.5)
        var state = try DynamicsState(system: start, forces: uninterruptedForces)
        var integrator = try AnyIntegrator(ensemble: ensemble, timeStep: 4, seed: 17)
        var reference = (integrator, state)
        try reference.0.run(&reference.1, steps: 2 * n, forces: uninterruptedForces)

        try integrator.run(&state, steps: n, forces: uninterruptedForces)
        let data = try JSONEncoder().encode(DynamicsCheckpoint(integrator: integrator, state: state))
        var restored = try JSONDecoder().decode(DynamicsCheckpoint.self, from: data)
        #expect(restored.state == state)
        #expect(restored.integrator == integrator)
        let freshForces = try argonForces(cutoff: 6.0, skin: 0.5)   // a new neighbour list, as after a restart
        try restored.integrator.run(&restored.state, steps: n, forces: freshForces)

        #expect(restored.state.system.positions == reference.1.system.positions, "\(ensemble)")
        #expect(restored.state.system.velocities == reference.1.system.velocities, "\(ensemble)")
        #expect(restored.integrator == reference.0, "\(ensemble)")
        #expect(restored.state.step == 2 * n)
    }
}
