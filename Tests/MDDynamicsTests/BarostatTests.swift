import Foundation
import MDCore
import MDPotentials
import Testing
import TestSupport
@testable import MDDynamics

/// The barostats on small LJ argon crystals (ε = 0.0104 eV, σ = 3.4 Å, r_c = 6 Å). The long
/// statistics (equation of state, compressibility) are in `macemd-bench npt`.
@Suite struct BarostatTests {
    static let perGPa = 1 / Units.gigapascalPerEVPerCubicAngstrom

    func evaluator() throws -> NeighborListEvaluator {
        try NeighborListEvaluator(potential: LennardJones.argon(cutoff: 6.0), skin: 0.5, request: .all)
    }

    func parameters(_ coupling: PressureCoupling, pressureGPa: Double = 0, tau: Double = 200,
                    mask: [Bool]? = nil) -> BarostatParameters {
        BarostatParameters(targetPressure: Matrix3(diagonal: SIMD3(repeating: pressureGPa * Self.perGPa)),
                           timeConstant: tau, bulkModulus: 3 * Self.perGPa, coupling: coupling, mask: mask)
    }

    /// 32 argon atoms at `temperature` in an fcc cell of edge `a`, sheared by `shear` (xy tilt b → b + shear·a).
    func shearedArgon(a: Double, shear: Double, temperature: Double) throws -> AtomicSystem {
        var system = try fccArgon(repeats: 2, latticeConstant: a)
        let d = Matrix3(rows: SIMD3(1, 0, 0), SIMD3(shear, 1, 0), SIMD3(0, 0, 1))   // r → r·d
        system.cell.vectors = system.cell.vectors * d
        system.positions = system.positions.map { $0 * d }
        system.velocities = try MaxwellBoltzmann.velocities(for: system, temperature: temperature, seed: 11)
        return system
    }

    /// A sheared cell under zero target stress loses its shear with triclinic coupling (γ → 90°)
    /// and keeps its angles exactly with isotropic coupling.
    @Test func shearRelaxesInTriclinicCouplingAndStaysInIsotropic() throws {
        let start = try shearedArgon(a: 5.40, shear: 0.08, temperature: 10)
        let gamma0 = start.cell.anglesInDegrees.z
        #expect(gamma0 < 86)
        for coupling in [PressureCoupling.triclinic, .isotropic] {
            let forces = try evaluator().closure
            var state = try DynamicsState(system: start, forces: forces)
            var integrator = try StochasticCellRescaling(timeStep: 5, temperature: 10, thermostat: .csvr(timeConstant: 100),
                                                         barostat: parameters(coupling), seed: 4)
            try integrator.run(&state, steps: 600, forces: forces)
            let angles = state.system.cell.anglesInDegrees
            if coupling == .triclinic {
                #expect(abs(angles.z - 90) < 0.5, "γ = \(angles.z)° after 3 ps")
                #expect(abs(angles.x - 90) < 0.5 && abs(angles.y - 90) < 0.5)
            } else {
                #expect(abs(angles.z - gamma0) < 1e-9, "γ = \(angles.z)° (was \(gamma0)°)")
                #expect(abs(angles.x - 90) < 1e-9)
            }
        }
    }

    /// Under anisotropic coupling with a mask [1, 1, 0, 0, 0, 0] the z length never changes.
    @Test func cellMaskHoldsMaskedComponents() throws {
        let start = try shearedArgon(a: 5.30, shear: 0, temperature: 20)
        let forces = try evaluator().closure
        var state = try DynamicsState(system: start, forces: forces)
        var integrator = try StochasticCellRescaling(
            timeStep: 5, temperature: 20, thermostat: .langevin(friction: 2),
            barostat: parameters(.anisotropic, mask: [true, true, false, false, false, false]), seed: 4)
        try integrator.run(&state, steps: 100, forces: forces)
        #expect(state.system.cell.vectors.rows.2 == start.cell.vectors.rows.2)
        #expect(state.system.cell.vectors.rows.0.x > start.cell.vectors.rows.0.x)   // compressed crystal expands in x
    }

    /// At a pressure above the crystal's own, C-rescale and Berendsen both shrink the cell towards
    /// the target; the effective energy K + U + ∫P₀dV + heat stays constant to a small fraction of
    /// the energy exchanged with thermostat and barostat.
    @Test(arguments: ["crescale", "berendsen"])
    func cellFollowsTargetPressureAndConservesEffectiveEnergy(_ kind: String) throws {
        let start = try shearedArgon(a: 5.40, shear: 0, temperature: 30)
        let forces = try evaluator().closure
        var state = try DynamicsState(system: start, forces: forces)
        let p0 = try #require(state.pressure) / Self.perGPa
        let target = p0 + 0.3
        var integrator: AnyIntegrator = kind == "crescale"
            ? .cellRescaling(try StochasticCellRescaling(timeStep: 5, temperature: 30, thermostat: .csvr(timeConstant: 100),
                                                         barostat: parameters(.isotropic, pressureGPa: target), seed: 8))
            : .berendsenPressure(try BerendsenBarostat(timeStep: 5, temperature: 30, thermostatTime: 100,
                                                       barostat: parameters(.isotropic, pressureGPa: target)))
        let e0 = integrator.conservedEnergy(state)
        var maxDeviation = 0.0
        var pressures: [Double] = []
        try integrator.run(&state, steps: 400, forces: forces) { s, integ in
            maxDeviation = max(maxDeviation, abs(integ.conservedEnergy(s) - e0))
            if s.step > 200 { pressures.append(s.pressure! / Self.perGPa) }
        }
        #expect(state.system.cell.volume < 0.97 * start.cell.volume)
        let mean = pressures.reduce(0, +) / Double(pressures.count)
        #expect(abs(mean - target) < 0.1, "⟨P⟩ = \(mean) GPa, target \(target) GPa")
        // Energy exchanged: pressure work plus heat, against the drift of the effective energy.
        let exchanged = abs(integrator.reservoirEnergy(state))
        #expect(maxDeviation < 0.01 * exchanged, "max |Ẽ − Ẽ₀| = \(maxDeviation) eV, exchanged \(exchanged) eV")
    }

    /// The equation of state, short version (the long one is `macemd-bench npt`): NPT (C-rescale) at
    /// P₀ settles at a mean volume ⟨V⟩ where NVT gives back ⟨P⟩ = P₀. Tolerance 0.04 GPa: three
    /// standard errors of the two means (about 0.01 GPa each for 32 atoms at 40 K, B ≈ 2.7 GPa).
    @Test func cRescaleVolumeIsWhereTheNVTPressureIsTheTarget() throws {
        let target = 0.1
        let start = try shearedArgon(a: 5.44, shear: 0, temperature: 40)
        var forces = try evaluator().closure
        var state = try DynamicsState(system: start, forces: forces)
        var npt = try StochasticCellRescaling(timeStep: 5, temperature: 40, thermostat: .csvr(timeConstant: 100),
                                              barostat: parameters(.isotropic, pressureGPa: target), seed: 21)
        var volumes: [Double] = []
        try npt.run(&state, steps: 700, forces: forces) { s, _ in if s.step > 200 { volumes.append(s.system.cell.volume) } }
        let meanVolume = volumes.reduce(0, +) / Double(volumes.count)

        var system = state.system
        let scale = pow(meanVolume / system.cell.volume, 1.0 / 3)
        system.cell.vectors = scale * system.cell.vectors
        system.positions = system.positions.map { scale * $0 }
        forces = try evaluator().closure
        var nvtState = try DynamicsState(system: system, forces: forces)
        var nvt = try BussiCSVR(timeStep: 5, temperature: 40, timeConstant: 100, seed: 5)
        var pressures: [Double] = []
        try nvt.run(&nvtState, steps: 500, forces: forces) { s, _ in if s.step > 100 { pressures.append(s.pressure!) } }
        let meanPressure = pressures.reduce(0, +) / Double(pressures.count) / Self.perGPa
        #expect(abs(meanPressure - target) < 0.04, "NVT at NPT's ⟨V⟩ = \(meanVolume) Å³ gives ⟨P⟩ = \(meanPressure) GPa")
        #expect(meanVolume < 0.97 * start.cell.volume)   // it did move: the start is below the target pressure
    }

    @Test func parametersTheCouplingCannotHonourAreRefused() throws {
        #expect(throws: DynamicsError.self) { try parameters(.isotropic, mask: [true, true, false, false, false, false]).validate() }
        #expect(throws: DynamicsError.self) { try parameters(.anisotropic, mask: [true, true, true, false, false, true]).validate() }
        let shearTarget = BarostatParameters(targetPressure: BarostatParameters.tensor(voigt: [0, 0, 0, 0, 0, 0.01]),
                                             timeConstant: 100, bulkModulus: 0.02, coupling: .anisotropic)
        #expect(throws: DynamicsError.self) { try shearTarget.validate() }
        let triclinic = BarostatParameters(targetPressure: shearTarget.targetPressure, timeConstant: 100,
                                           bulkModulus: 0.02, coupling: .triclinic)
        try triclinic.validate()
        #expect(throws: DynamicsError.self) { try parameters(.isotropic, tau: 0).validate() }
    }

    /// A cluster without a periodic cell, or fixed atoms, cannot run under a barostat.
    @Test func barostatNeedsAFullyPeriodicCellWithoutFixedAtoms() throws {
        var molecule = try fccArgon(repeats: 1)
        molecule.cell = Cell(vectors: .zero, pbc: Periodicity(false, false, false))
        let forces = try evaluator().closure
        var cluster = try DynamicsState(system: molecule, forces: forces)
        var integrator = try StochasticCellRescaling(timeStep: 5, temperature: 10, thermostat: .csvr(timeConstant: 100),
                                                     barostat: parameters(.isotropic), seed: 1)
        #expect(throws: DynamicsError.self) { try integrator.step(&cluster, forces: forces) }
        var pinned = try DynamicsState(system: try fccArgon(repeats: 2), fixed: [true] + Array(repeating: false, count: 31),
                                       forces: forces)
        #expect(throws: DynamicsError.self) { try integrator.step(&pinned, forces: forces) }
    }

    /// The drift strain vanishes at the target pressure for every coupling: the C-rescale step in
    /// ln V has no k_BT/V term (Itô's correction cancels the one of Bernetti & Bussi's dV equation).
    @Test(arguments: PressureCoupling.allCases)
    func driftStrainVanishesAtTheTarget(_ coupling: PressureCoupling) {
        let b = parameters(coupling, pressureGPa: 0.2)
        #expect(b.driftStrain(pressure: b.targetPressure, dt: 5).maxAbs == 0)
        let above = b.driftStrain(pressure: b.targetPressure + Matrix3(diagonal: SIMD3(repeating: 1e-5)), dt: 5)
        let expected = b.compressibility * 5 / (3 * 200) * 1e-5
        #expect(abs(above[0, 0] - expected) <= 1e-12 * expected && above[0, 1] == 0)
    }
}

/// Isotropic MTK with Nosé–Hoover chains.
@Suite struct MTKTests {
    /// Max |H − H₀| of the extended energy H = K + U + W v_ε²/2 + P₀V + chains over 2 ps at
    /// time step `dt` (fs), and the largest change of K + U.
    func deviation(dt: Double) throws -> (h: Double, exchanged: Double, minVolumeRatio: Double) {
        var system = try fccArgon(repeats: 2, latticeConstant: 5.40)
        system.velocities = try MaxwellBoltzmann.velocities(for: system, temperature: 40, seed: 3)
        let forces = try NeighborListEvaluator(potential: LennardJones.argon(cutoff: 6.0), skin: 0.5, request: .all).closure
        var state = try DynamicsState(system: system, forces: forces)
        let target = 0.2 / Units.gigapascalPerEVPerCubicAngstrom
        var integrator = try MTKBarostat(timeStep: dt, temperature: 40, thermostatTime: 200, chainLength: 3,
                                         pressure: target, barostatTime: 500)
        let h0 = integrator.conservedEnergy(state), e0 = state.totalEnergy
        var maxDeviation = 0.0, maxExchanged = 0.0, minVolume = system.cell.volume
        try integrator.run(&state, steps: Int(2000 / dt), forces: forces) { s, integ in
            maxDeviation = max(maxDeviation, abs(integ.conservedEnergy(s) - h0))
            maxExchanged = max(maxExchanged, abs(s.totalEnergy - e0))
            minVolume = min(minVolume, s.system.cell.volume)
        }
        return (maxDeviation, maxExchanged, minVolume / system.cell.volume)
    }

    /// H is conserved up to the integrator's O(Δt²) error: halving Δt divides its deviation by
    /// about 4 (> 3 asserted), and it stays below 1 % of the energy the cell and chains exchange.
    @Test func extendedEnergyIsConservedToSecondOrder() throws {
        let coarse = try deviation(dt: 4), fine = try deviation(dt: 2)
        #expect(coarse.minVolumeRatio < 0.98)   // the cell moved (compressed towards 0.2 GPa)
        #expect(coarse.h < 0.01 * coarse.exchanged, "max |H − H₀| = \(coarse.h) eV, K + U moved by \(coarse.exchanged) eV")
        #expect(coarse.h / fine.h > 3, "deviation \(coarse.h) eV at 4 fs, \(fine.h) eV at 2 fs")
    }
}
