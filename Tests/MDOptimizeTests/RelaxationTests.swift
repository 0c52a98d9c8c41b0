import Foundation
import MDCore
import MDPotentials
import Testing
import TestSupport
@testable import MDOptimize

/// Both optimizers, by index (optimizer values are made inside the test).
func makeOptimizer(_ index: Int) throws -> (String, any Optimizer) {
    index == 0 ? ("FIRE", try FIRE()) : ("LBFGS", try LBFGS())
}

func relax<T: Optimizable>(_ target: inout T, _ index: Int, fmax: Double, maxSteps: Int) throws -> OptimizationResult {
    if index == 0 {
        var optimizer = try FIRE()
        return try minimize(&target, optimizer: &optimizer, fmax: fmax, maxSteps: maxSteps)
    }
    var optimizer = try LBFGS()
    return try minimize(&target, optimizer: &optimizer, fmax: fmax, maxSteps: maxSteps)
}

@Suite struct RelaxationTests {
    /// LJ13 relaxes to the Mackay icosahedron, E = −44.326801 ε (Wales & Doye 1997).
    /// Reduced units ε = 1 eV, σ = 1 Å; all 78 pairs lie inside the 5σ cutoff, so the
    /// shifted energy plus 78·φ_LJ(r_c) is the plain LJ energy.
    @Test(arguments: [0, 1])
    func lj13ReachesGlobalMinimum(_ index: Int) throws {
        let lj = try LennardJones(epsilon: 1, sigma: 1, cutoff: 5)
        var target = try AtomsOptimizable(system: try icosahedron(radius: 1.1, rattle: 0.08, seed: 3), potential: lj)
        let result = try relax(&target, index, fmax: 1e-6, maxSteps: 2000)
        #expect(result.converged, "\(result)")
        let s6: Double = pow(0.2, 6)
        let energy = result.energy + 78 * 4 * (s6 * s6 - s6)
        #expect(abs(energy - (-44.326801)) < 2e-6, "E = \(energy) ε after \(result.steps) steps")
    }

    /// A rattled fcc crystal at fixed cell relaxes back to the perfect lattice energy.
    @Test(arguments: [0, 1])
    func rattledCrystalRelaxesToPerfectLattice(_ index: Int) throws {
        let lj = LennardJones.argon(cutoff: 6.5)
        let perfect = try fccArgon(repeats: 2, latticeConstant: 5.26)
        let perfectEnergy = try lj.evaluate(perfect).energy
        var rattled = perfect
        var rng = SplitMix64(seed: 9)
        rattled.positions = rattled.positions.map { $0 + rng.vector(0.15) }
        var target = try AtomsOptimizable(system: rattled, potential: lj)
        let result = try relax(&target, index, fmax: 1e-5, maxSteps: 2000)
        #expect(result.converged, "\(result)")
        #expect(abs(result.energy - perfectEnergy) < 1e-8, "E = \(result.energy), perfect \(perfectEnergy) eV")
    }

    /// Hitting the step limit is a result with a clear message, not an error.
    @Test(arguments: [0, 1])
    func stepLimitIsReported(_ index: Int) throws {
        let lj = try LennardJones(epsilon: 1, sigma: 1, cutoff: 5)
        var target = try AtomsOptimizable(system: try icosahedron(radius: 1.3, rattle: 0.1, seed: 1), potential: lj)
        let result = try relax(&target, index, fmax: 1e-6, maxSteps: 3)
        #expect(!result.converged)
        #expect(result.steps == 3)
        #expect(result.description.hasPrefix("not converged after 3 steps, fmax = "), "\(result)")
    }

    /// Fixed atoms stay where they are.
    @Test func fixedAtomsStay() throws {
        let lj = try LennardJones(epsilon: 1, sigma: 1, cutoff: 5)
        let start = try icosahedron(radius: 1.1, rattle: 0.1, seed: 5)
        let fixed = (0..<13).map { $0 < 3 }
        var target = try AtomsOptimizable(system: start, potential: lj, fixed: fixed)
        let result = try relax(&target, 1, fmax: 1e-4, maxSteps: 1000)
        #expect(result.converged, "\(result)")
        for i in 0..<3 { #expect(target.system.positions[i] == start.positions[i]) }
        #expect(target.system.positions[5] != start.positions[5])
    }

    @Test func badInput() throws {
        let lj = try LennardJones(epsilon: 1, sigma: 1, cutoff: 5)
        let start = try icosahedron(radius: 1.1, rattle: 0, seed: 1)
        #expect(throws: OptimizeError.allAtomsFixed(count: 13)) {
            _ = try AtomsOptimizable(system: start, potential: lj, fixed: Array(repeating: true, count: 13))
        }
        var target = try AtomsOptimizable(system: start, potential: lj)
        var fire = try FIRE()
        #expect(throws: OptimizeError.self) { _ = try minimize(&target, optimizer: &fire, fmax: 0) }
        #expect(throws: OptimizeError.self) { _ = try FIRE(maxStep: -1) }
        #expect(throws: OptimizeError.self) { _ = try LBFGS(memory: 0) }
        #expect(throws: OptimizeError.notFullyPeriodic) { _ = try FrechetCellFilter(system: start, potential: lj) }
    }
}

@Suite struct RelaxFunctionTests {
    /// The one-call API relaxes with and without the cell and reports every point to the observer.
    @Test(arguments: OptimizerKind.allCases)
    func relaxWithAndWithoutCell(_ kind: OptimizerKind) throws {
        let lj = LennardJones.argon(cutoff: 8.5)
        var start = try fccArgon(repeats: 1, latticeConstant: 5.4)
        start.positions[1] += SIMD3(0.05, -0.03, 0.02)
        var seen = 0
        let fixedCell = try relax(start, optimizer: kind, fmax: 1e-4, maxSteps: 500,
                                  evaluator: { try lj.evaluate($0, request: .all) }) { _, current, evaluation in
            seen += 1
            #expect(evaluation?.energy == (try? lj.evaluate(current, request: .all))?.energy)
        }
        #expect(fixedCell.result.converged, "\(fixedCell.result)")
        #expect(seen == fixedCell.result.steps + 1)
        #expect(fixedCell.system.cell == start.cell)
        let withCell = try relax(start, relaxCell: true, optimizer: kind, fmax: 1e-4, maxSteps: 500,
                                 evaluator: { try lj.evaluate($0, request: .all) })
        #expect(withCell.result.converged, "\(withCell.result)")
        #expect(withCell.system.cell.volume < start.cell.volume)
        #expect(withCell.result.energy < fixedCell.result.energy)
    }
}
