import Foundation
import MDCore
import MDPotentials
import Testing
import TestSupport
@testable import MDOptimize

@Suite struct CellFilterTests {
    /// exp of a diagonal matrix and of a rotation generator; the Fréchet derivative
    /// against a central difference.
    @Test func matrixExponential() {
        let d = Matrix3(diagonal: SIMD3(0.3, -1.2, 2.5)).exponential
        for (k, x) in [0.3, -1.2, 2.5].enumerated() {
            #expect(abs(d[k, k] / exp(x) - 1) < 1e-14, "exp(\(x)): relative error \(d[k, k] / exp(x) - 1)")
        }
        #expect(d[0, 1] == 0)
        let t = 0.7
        let r = Matrix3(rows: SIMD3(0, -t, 0), SIMD3(t, 0, 0), SIMD3(0, 0, 0)).exponential
        #expect(abs(r[0, 0] - cos(t)) < 1e-15 && abs(r[1, 0] - sin(t)) < 1e-15 && abs(r[0, 1] + sin(t)) < 1e-15)
        let m = Matrix3(rows: SIMD3(0.1, 0.4, -0.2), SIMD3(0.3, -0.5, 0.1), SIMD3(0.05, 0.2, 0.3))
        let e = Matrix3(rows: SIMD3(0.2, -0.1, 0.7), SIMD3(0.0, 0.3, 0.1), SIMD3(-0.4, 0.6, 0.2))
        let h = 1e-6
        let fd = (1 / (2 * h)) * ((m + h * e).exponential - (m - h * e).exponential)
        #expect((m.exponentialDerivative(direction: e) - fd).maxAbs < 1e-9)
    }

    /// The generalised forces are −∂H/∂coordinates (H = E + pV): central differences at a
    /// deformed, skewed, rattled state under 2 GPa, for atom rows and all nine cell entries.
    @Test func generalizedForcesAreNegativeEnthalpyGradient() throws {
        let lj = LennardJones.argon(cutoff: 6.0)
        var system = try fccArgon(repeats: 2, latticeConstant: 5.3)
        var rng = SplitMix64(seed: 4)
        system.positions = system.positions.map { $0 + rng.vector(0.2) }
        system.cell.vectors = system.cell.vectors + Matrix3(rows: SIMD3(0.1, 0.3, -0.2), SIMD3(0, 0.2, 0.4), SIMD3(0.3, 0, -0.1))
        var filter = try FrechetCellFilter(system: system, potential: lj, pressure: 2)
        var x = filter.coordinates
        let n = system.count
        x[n] += SIMD3(0.3, 0.2, -0.4); x[n + 1] += SIMD3(-0.1, 0.5, 0.2); x[n + 2] += SIMD3(0.25, -0.3, 0.1)
        try filter.setCoordinates(x)
        let forces = try filter.evaluate().forces
        let h = 1e-5
        var worst = 0.0, scale = 0.0
        for row in [0, 7, n, n + 1, n + 2] {
            for k in 0..<3 {
                var plus = x, minus = x
                plus[row][k] += h
                minus[row][k] -= h
                try filter.setCoordinates(plus)
                let ep = try filter.evaluate().energy
                try filter.setCoordinates(minus)
                let em = try filter.evaluate().energy
                worst = max(worst, abs(-(ep - em) / (2 * h) - forces[row][k]))
                scale = max(scale, abs(forces[row][k]))
            }
        }
        #expect(scale > 1e-3)
        #expect(worst < 1e-6 * max(scale, 1), "max |F − F_fd| = \(worst), max |F| = \(scale)")
    }

    /// Cell relaxation of a strained, rattled fcc argon crystal reaches the equilibrium lattice
    /// constant of the same truncated-shifted LJ, found by bisection on the lattice sum dE/da.
    @Test(arguments: [0, 1])
    func fccLatticeConstant(_ index: Int) throws {
        let lj = LennardJones.argon(cutoff: 8.5)
        let expected = fccEquilibriumLatticeConstant(lj, bracket: 5.0...5.6)
        var system = try fccArgon(repeats: 1, latticeConstant: 5.45)
        var rng = SplitMix64(seed: 2)
        system.positions = system.positions.map { $0 + rng.vector(0.05) }
        system.cell.vectors = system.cell.vectors + Matrix3(rows: SIMD3(0, 0.05, 0), SIMD3(0, -0.08, 0.02), SIMD3(0, 0, 0.1))
        var filter = try FrechetCellFilter(system: system, potential: lj)
        let result = try relax(&filter, index, fmax: 1e-6, maxSteps: 3000)
        #expect(result.converged, "\(result)")
        let lengths = filter.system.cell.lengths
        let angles = filter.system.cell.anglesInDegrees
        let edge = pow(filter.system.cell.volume, 1.0 / 3)
        #expect(abs(edge - expected) < 1e-4, "a = \(edge) Å, expected \(expected) Å")
        for k in 0..<3 {
            #expect(abs(lengths[k] - expected) < 1e-4, "|cell[\(k)]| = \(lengths[k]) Å")
            #expect(abs(angles[k] - 90) < 1e-3, "angle \(k) = \(angles[k])°")
        }
    }

    /// Under a target pressure the relaxed stress is −p·I (ASE sign) and the cell shrinks.
    @Test func targetPressure() throws {
        let lj = LennardJones.argon(cutoff: 8.5)
        let system = try fccArgon(repeats: 1, latticeConstant: 5.3)
        var filter = try FrechetCellFilter(system: system, potential: lj, pressure: 0.5)
        var optimizer = try LBFGS()
        let result = try minimize(&filter, optimizer: &optimizer, fmax: 1e-6, maxSteps: 2000)
        #expect(result.converged, "\(result)")
        let stress = try #require(filter.stress)
        let p = 0.5 / Units.gigapascalPerEVPerCubicAngstrom
        #expect((stress + p * Matrix3.identity).maxAbs < 1e-6, "stress \(stress)")
        let zeroPressure = fccEquilibriumLatticeConstant(lj, bracket: 5.0...5.6)
        #expect(pow(filter.system.cell.volume, 1.0 / 3) < zeroPressure - 0.01)
    }
}

@Suite struct CellFilterOptionTests {
    /// hydrostaticStrain: the cell only scales (H = s·H₀) and the pressure relaxes to 0.
    @Test func hydrostaticStrainKeepsShape() throws {
        let lj = LennardJones.argon(cutoff: 8.5)
        var system = try fccArgon(repeats: 1, latticeConstant: 5.4)
        system.cell.vectors = system.cell.vectors + Matrix3(rows: SIMD3(0, 0.2, 0), SIMD3(0, 0.1, 0), SIMD3(0.1, 0, -0.2))
        let h0 = system.cell.vectors
        var filter = try FrechetCellFilter(system: system, potential: lj, hydrostaticStrain: true)
        var optimizer = try FIRE()
        let result = try minimize(&filter, optimizer: &optimizer, fmax: 1e-6, maxSteps: 3000)
        #expect(result.converged, "\(result)")
        let ratio = filter.system.cell.vectors * (try #require(h0.inverse))
        let s = ratio[0, 0]
        #expect((ratio - s * Matrix3.identity).maxAbs < 1e-10, "H·H₀⁻¹ = \(ratio)")
        #expect(s < 0.999)
        let stress = try #require(filter.stress)
        #expect(abs(stress.trace / 3) < 1e-6, "pressure \(-stress.trace / 3) eV/Å³")
    }

    /// cellMask [xx, yy free; zz and shears fixed]: c keeps its length and direction, a and b
    /// relax until σxx = σyy = 0, and the cell stays orthorhombic.
    @Test func cellMaskFixesMaskedComponents() throws {
        let lj = LennardJones.argon(cutoff: 8.5)
        var system = try fccArgon(repeats: 1, latticeConstant: 5.3)
        let strain = Matrix3(diagonal: SIMD3(1.03, 0.98, 1.05))
        system.cell.vectors = system.cell.vectors * strain
        system.positions = system.positions.map { $0 * strain }
        let c0 = system.cell.vectors[row: 2]
        var filter = try FrechetCellFilter(system: system, potential: lj, cellMask: [true, true, false, false, false, false])
        var optimizer = try FIRE()
        let result = try minimize(&filter, optimizer: &optimizer, fmax: 1e-6, maxSteps: 3000)
        #expect(result.converged, "\(result)")
        let h = filter.system.cell.vectors
        #expect(((h[row: 2] - c0) * (h[row: 2] - c0)).sum().squareRoot() < 1e-10, "c moved: \(h[row: 2]) vs \(c0)")
        for (a, b) in [(0, 1), (0, 2), (1, 0), (1, 2)] { #expect(abs(h[a, b]) < 1e-10, "H[\(a)][\(b)] = \(h[a, b])") }
        let stress = try #require(filter.stress)
        #expect(abs(stress[0, 0]) < 1e-6 && abs(stress[1, 1]) < 1e-6, "stress \(stress)")
        #expect(abs(stress[2, 2]) > 1e-4, "zz was free to relax: \(stress[2, 2])")
        #expect(abs(h[0, 0] - h[1, 1]) < 1e-4, "a and b relax alike: \(h[0, 0]), \(h[1, 1])")
        #expect(throws: OptimizeError.self) { try FrechetCellFilter(system: system, potential: lj, cellMask: [true, true]) }
    }

    /// constantVolume: a tetragonally strained cubic cell becomes cubic at the same volume.
    @Test func constantVolumeKeepsVolume() throws {
        let lj = LennardJones.argon(cutoff: 8.5)
        var system = try fccArgon(repeats: 1, latticeConstant: 5.3)
        let strain = Matrix3(diagonal: SIMD3(1.04, 1.04, 1 / (1.04 * 1.04)))
        system.cell.vectors = system.cell.vectors * strain
        system.positions = system.positions.map { $0 * strain }
        let volume = system.cell.volume
        var filter = try FrechetCellFilter(system: system, potential: lj, constantVolume: true)
        var optimizer = try LBFGS()
        let result = try minimize(&filter, optimizer: &optimizer, fmax: 1e-6, maxSteps: 3000)
        #expect(result.converged, "\(result)")
        #expect(abs(filter.system.cell.volume / volume - 1) < 1e-12)
        let lengths = filter.system.cell.lengths
        #expect(lengths.max() - lengths.min() < 1e-4, "lengths \(lengths)")
        #expect(abs(pow(volume, 1.0 / 3) - lengths.x) < 1e-4)
    }
}

@Suite struct ASEFrechetParityTests {
    /// Same coordinates → same atoms, cell, generalised forces and enthalpy as ASE's
    /// FrechetCellFilter (fixture from scripts/fixtures/make_frechet_fixture.py).
    @Test func matchesASE() throws {
        let f = ASEFrechetFixture.self
        let start = try AtomicSystem(atomicNumbers: [18, 18, 18, 18], positions: f.startPositions,
                                     cell: Cell(vectors: Matrix3(rows: f.startCell[0], f.startCell[1], f.startCell[2])))
        let lj = try LennardJones(epsilon: 0.0104, sigma: 3.4, cutoff: 7.0)
        var filter = try FrechetCellFilter(system: start, potential: lj, pressure: f.pressureGPa)
        try filter.setCoordinates(f.coordinates)
        let evaluation = try filter.evaluate()
        func worst(_ a: [SIMD3<Double>], _ b: [SIMD3<Double>]) -> Double {
            zip(a, b).map { length($0 - $1) }.max() ?? .infinity
        }
        let cellRows = (0..<3).map { filter.system.cell.vectors[row: $0] }
        #expect(worst(filter.system.positions, f.positions) < 1e-12)
        #expect(worst(cellRows, f.cell) < 1e-12)
        #expect(worst(filter.coordinates, f.coordinates) < 1e-12)
        #expect(worst(evaluation.forces, f.forces) < 1e-9, "max |ΔF| = \(worst(evaluation.forces, f.forces))")
        #expect(abs(evaluation.energy - f.enthalpy) < 1e-9, "H = \(evaluation.energy), ASE \(f.enthalpy)")
    }
}

/// Under a target pressure the optimizer minimises the enthalpy H = E + PV, and says so.
@Suite struct EnthalpyLabelTests {
    @Test func relaxationUnderPressureReportsTheEnthalpy() throws {
        let lj = LennardJones.argon(cutoff: 8.5)
        let evaluator: ForceEvaluator = { try lj.evaluate($0, request: .all) }
        let start = try fccArgon(repeats: 1, latticeConstant: 5.3)
        let pressured = try relax(start, relaxCell: true, pressure: 0.5, fmax: 1e-3, maxSteps: 500, evaluator: evaluator)
        let e = try lj.evaluate(pressured.system, request: .energy).energy
        let pv = 0.5 / Units.gigapascalPerEVPerCubicAngstrom * pressured.system.cell.volume
        #expect(abs(pressured.result.energy - (e + pv)) < 1e-9)
        #expect(pressured.result.description.contains("enthalpy E + PV \(pressured.result.energy) eV"))
        let free = try relax(start, relaxCell: true, fmax: 1e-3, maxSteps: 500, evaluator: evaluator)
        #expect(free.result.description.contains(", energy "))
    }
}
