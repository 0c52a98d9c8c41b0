import Foundation
import MDCore
import MDPotentials
import Testing
import TestSupport
@testable import MDDynamics

/// Anisotropic and triclinic MTK with Nosé–Hoover chains on small LJ argon crystals.
@Suite struct MTKCellTests {
    static let perGPa = 1 / Units.gigapascalPerEVPerCubicAngstrom

    func forces() throws -> ForceEvaluator {
        try NeighborListEvaluator(potential: LennardJones.argon(cutoff: 6.0), skin: 0.5, request: .all).closure
    }

    /// 32 argon atoms at `temperature` in an fcc cell of edge `a`, sheared by `shear` (xy tilt b → b + shear·a).
    func shearedArgon(a: Double, shear: Double, temperature: Double) throws -> AtomicSystem {
        var system = try fccArgon(repeats: 2, latticeConstant: a)
        let d = Matrix3(rows: SIMD3(1, 0, 0), SIMD3(shear, 1, 0), SIMD3(0, 0, 1))   // r → r·d
        system.cell.vectors = system.cell.vectors * d
        system.positions = system.positions.map { $0 * d }
        system.velocities = try MaxwellBoltzmann.velocities(for: system, temperature: temperature, seed: 3)
        return system
    }

    /// Barostat parameters with the target in GPa as Voigt xx yy zz yz xz xy.
    func barostat(_ coupling: PressureCoupling, voigtGPa: [Double], tau: Double = 500, mask: [Bool]? = nil) -> BarostatParameters {
        BarostatParameters(targetPressure: Self.perGPa * BarostatParameters.tensor(voigt: voigtGPa), timeConstant: tau,
                           bulkModulus: 1, coupling: coupling, mask: mask)
    }

    /// Max |H − H₀| of the extended energy over 2 ps at time step `dt` (fs), the largest change of
    /// K + U, and the largest relative change of any cell-vector component.
    func deviation(_ parameters: BarostatParameters, dt: Double) throws -> (h: Double, exchanged: Double, cellMove: Double) {
        let system = try shearedArgon(a: 5.40, shear: 0.05, temperature: 40)
        let forces = try forces()
        var state = try DynamicsState(system: system, forces: forces)
        var integrator = try MTKCellBarostat(timeStep: dt, temperature: 40, thermostatTime: 200, chainLength: 3,
                                             barostat: parameters)
        let h0 = integrator.conservedEnergy(state), e0 = state.totalEnergy
        var maxDeviation = 0.0, maxExchanged = 0.0, cellMove = 0.0
        try integrator.run(&state, steps: Int(2000 / dt), forces: forces) { s, integ in
            maxDeviation = max(maxDeviation, abs(integ.conservedEnergy(s) - h0))
            maxExchanged = max(maxExchanged, abs(s.totalEnergy - e0))
            cellMove = max(cellMove, (s.system.cell.vectors - system.cell.vectors).maxAbs / system.cell.vectors.maxAbs)
        }
        return (maxDeviation, maxExchanged, cellMove)
    }

    /// H is conserved up to the integrator's O(Δt²) error for semi-isotropic, anisotropic and triclinic coupling
    /// (non-hydrostatic targets): halving Δt divides its deviation by about 4 (> 3 asserted), and it
    /// stays below 1 % of the energy the cell and chains exchange.
    @Test(arguments: [PressureCoupling.semiIsotropic, .anisotropic, .triclinic])
    func extendedEnergyIsConservedToSecondOrder(_ coupling: PressureCoupling) throws {
        let target = switch coupling {
        case .semiIsotropic: [0.2, 0.2, 0.4, 0, 0, 0]
        case .anisotropic: [0.2, 0.1, 0.3, 0, 0, 0]
        default: [0.2, 0.1, 0.3, 0.02, -0.03, 0.05]
        }
        let p = barostat(coupling, voigtGPa: target)
        let coarse = try deviation(p, dt: 4), fine = try deviation(p, dt: 2)
        #expect(coarse.cellMove > 0.01, "the cell moved by \(coarse.cellMove)")
        #expect(coarse.h < 0.01 * coarse.exchanged, "max |H − H₀| = \(coarse.h) eV, K + U moved by \(coarse.exchanged) eV")
        #expect(coarse.h / fine.h > 3, "deviation \(coarse.h) eV at 4 fs, \(fine.h) eV at 2 fs")
    }

    /// A sheared cell under zero target stress loses its shear with triclinic MTK (γ → 90°) and keeps
    /// its angles with isotropic MTK.
    @Test func shearRelaxesInTriclinicAndStaysInIsotropic() throws {
        let start = try shearedArgon(a: 5.30, shear: 0.08, temperature: 10)
        let gamma0 = start.cell.anglesInDegrees.z
        #expect(gamma0 < 86)
        let forces = try forces()
        for isotropic in [false, true] {
            var state = try DynamicsState(system: start, forces: forces)
            var integrator: AnyIntegrator = isotropic
                ? .mtk(try MTKBarostat(timeStep: 4, temperature: 10, thermostatTime: 100, chainLength: 3, pressure: 0,
                                       barostatTime: 200))
                : .mtkCell(try MTKCellBarostat(timeStep: 4, temperature: 10, thermostatTime: 100, chainLength: 3,
                                               barostat: barostat(.triclinic, voigtGPa: [0, 0, 0, 0, 0, 0], tau: 200)))
            var late: [Double] = []
            try integrator.run(&state, steps: 1500, forces: forces) { s, _ in
                if s.step > 1000 { late.append(s.system.cell.anglesInDegrees.z) }
            }
            let mean = late.reduce(0, +) / Double(late.count)
            if isotropic {
                #expect(abs(state.system.cell.anglesInDegrees.z - gamma0) < 1e-9, "γ = \(state.system.cell.anglesInDegrees.z)°")
            } else {
                #expect(abs(mean - 90) < 0.2 * (90 - gamma0), "⟨γ⟩ = \(mean)° over the last 2 ps, from \(gamma0)°")
            }
        }
    }

    /// Masked strain components stay fixed: with zz, yz and xz masked the z components of the cell
    /// vectors and the whole c vector keep their values; with anisotropic coupling and yy masked
    /// the y components do.
    @Test func maskedComponentsStayFixed() throws {
        let start = try shearedArgon(a: 5.40, shear: 0.05, temperature: 40)
        let forces = try forces()
        let cases: [(BarostatParameters, (Matrix3) -> [Double])] = [
            (barostat(.triclinic, voigtGPa: [0.3, 0.2, 0.1, 0, 0, 0.05], mask: [true, true, false, false, false, true]),
             { h in [h[0, 2], h[1, 2], h[2, 0], h[2, 1], h[2, 2]] }),
            (barostat(.anisotropic, voigtGPa: [0.3, 0.2, 0.1, 0, 0, 0], mask: [true, false, true, false, false, false]),
             { h in [h[0, 1], h[1, 1], h[2, 1]] }),
        ]
        for (parameters, fixedEntries) in cases {
            var state = try DynamicsState(system: start, forces: forces)
            var integrator = try MTKCellBarostat(timeStep: 4, temperature: 40, thermostatTime: 200, chainLength: 3,
                                                 barostat: parameters)
            try integrator.run(&state, steps: 300, forces: forces)
            let h0 = start.cell.vectors, h = state.system.cell.vectors
            #expect((h - h0).maxAbs > 0.01 * h0.maxAbs, "the cell moved")
            for (before, after) in zip(fixedEntries(h0), fixedEntries(h)) {
                #expect(abs(after - before) <= 1e-12 * h0.maxAbs, "\(parameters.coupling): \(before) → \(after) Å")
            }
        }
    }

    /// The kick and drift factor φ(X) = (1 − e^(−X))/X is exact on diagonal matrices (eigenvalues up
    /// to ±0.1, far beyond one step's v_g Δt) and φ(X)·X = 1 − e^(−X) for a symmetric one.
    @Test func phiSeriesIsExact() {
        let x = Matrix3(diagonal: SIMD3(0.1, -0.07, 1e-9))
        let p = MTKCellBarostat.phi(x)
        for (k, v) in [0.1, -0.07, 1e-9].enumerated() {
            #expect(abs(p[k, k] + expm1(-v) / v) <= 1e-15, "φ(\(v)) = \(p[k, k])")
        }
        let s = Matrix3(rows: SIMD3(0.03, 0.02, -0.01), SIMD3(0.02, -0.05, 0.04), SIMD3(-0.01, 0.04, 0.01))
        #expect((MTKCellBarostat.phi(s) * s - (Matrix3.identity - (-1 * s).exponential)).maxAbs <= 1e-14)
    }
}
