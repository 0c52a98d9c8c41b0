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
        .cellRescaling(temperature: 300, thermostat: .csvr(timeConstant: 40), barostat: RestartTests.barostat(.isotropic)),
        .cellRescaling(temperature: 300, thermostat: .langevin(friction: 5), barostat: RestartTests.barostat(.triclinic)),
        .cellRescaling(temperature: 300, thermostat: .csvr(timeConstant: 40), barostat: RestartTests.barostat(.anisotropic)),
        .cellRescaling(temperature: 300, thermostat: .csvr(timeConstant: 40), barostat: RestartTests.barostat(.semiIsotropic)),
        .berendsenPressure(temperature: 300, timeConstant: 40, barostat: RestartTests.barostat(.triclinic)),
        .berendsenPressure(temperature: 300, timeConstant: 40, barostat: RestartTests.barostat(.semiIsotropic)),
        .mtk(temperature: 300, timeConstant: 40, chainLength: 3, pressure: 0.5 / Units.gigapascalPerEVPerCubicAngstrom,
             barostatTime: 200),
        .mtkCell(temperature: 300, timeConstant: 40, chainLength: 3, barostat: RestartTests.barostat(.anisotropic)),
        .mtkCell(temperature: 300, timeConstant: 40, chainLength: 3, barostat: RestartTests.shearTarget),
        .mtkCell(temperature: 300, timeConstant: 40, chainLength: 3, barostat: RestartTests.barostat(.semiIsotropic)),
    ])
    func restartIsBitIdentical(_ ensemble: Ensemble) throws {
        let n = 8
        let start = try thermalArgon(repeats: 2, temperature: 200, seed: 5)
        let uninterruptedForces = try argonForces(cutoff: 6.0, skin: 0.5, request: .all)
        var state = try DynamicsState(system: start, forces: uninterruptedForces)
        var integrator = try AnyIntegrator(ensemble: ensemble, timeStep: 4, seed: 17)
        var reference = (integrator, state)
        try reference.0.run(&reference.1, steps: 2 * n, forces: uninterruptedForces)

        try integrator.run(&state, steps: n, forces: uninterruptedForces)
        let data = try JSONEncoder().encode(DynamicsCheckpoint(integrator: integrator, state: state))
        var restored = try JSONDecoder().decode(DynamicsCheckpoint.self, from: data)
        #expect(restored.state == state)
        #expect(restored.integrator == integrator)
        let freshForces = try argonForces(cutoff: 6.0, skin: 0.5, request: .all)   // a new neighbour list, as after a restart
        try restored.integrator.run(&restored.state, steps: n, forces: freshForces)

        #expect(restored.state.system.positions == reference.1.system.positions, "\(ensemble)")
        #expect(restored.state.system.velocities == reference.1.system.velocities, "\(ensemble)")
        #expect(restored.state.system.cell == reference.1.system.cell, "\(ensemble)")
        #expect(restored.integrator == reference.0, "\(ensemble)")
        #expect(restored.state.step == 2 * n)
        if integrator.changesCell { #expect(restored.state.system.cell != start.cell, "\(ensemble): the cell never moved") }
    }

    /// A barostat at 0.5 GPa (argon is far from it, so the cell moves) with a 2 GPa modulus, τ_p = 200 fs.
    static func barostat(_ coupling: PressureCoupling) -> BarostatParameters {
        let p = 0.5 / Units.gigapascalPerEVPerCubicAngstrom
        return BarostatParameters(targetPressure: Matrix3(diagonal: SIMD3(p, p, p)), timeConstant: 200,
                                  bulkModulus: 2 / Units.gigapascalPerEVPerCubicAngstrom, coupling: coupling)
    }

    /// Triclinic coupling to a non-hydrostatic target (0.5, 0.4, 0.3 GPa, xy shear 0.1 GPa) with the
    /// xz component masked.
    static let shearTarget = BarostatParameters(
        targetPressure: (1 / Units.gigapascalPerEVPerCubicAngstrom) * BarostatParameters.tensor(voigt: [0.5, 0.4, 0.3, 0, 0, 0.1]),
        timeConstant: 200, bulkModulus: 2 / Units.gigapascalPerEVPerCubicAngstrom, coupling: .triclinic,
        mask: [true, true, true, true, false, true])
}
