import Foundation
import Testing
import MDCore
import MDPotentials

/// Per-atom energies (`EvaluationRequest.atomEnergies`) of the pair potentials and of sums.
@Suite struct AtomEnergyTests {
    /// A Lennard-Jones dimer by hand: each atom carries half of the pair energy.
    @Test func dimerSplitsThePairEnergy() throws {
        let lj = try LennardJones(epsilon: 0.5, sigma: 2.0, cutoff: 5.0)
        let r = 2.3
        let dimer = try AtomicSystem(atomicNumbers: [18, 18], positions: [.zero, SIMD3(r, 0, 0)])
        let result = try lj.evaluate(dimer, request: [.energy, .atomEnergies])
        func raw(_ r: Double) -> Double { 4 * 0.5 * (pow(2 / r, 12) - pow(2 / r, 6)) }
        let atoms = try #require(result.atomEnergies)
        #expect(atoms.count == 2)
        for e in atoms { #expect(abs(e - (raw(r) - raw(5.0)) / 2) < 1e-14) }
        #expect(try lj.evaluate(dimer, request: .all).atomEnergies == nil, "not computed unless requested")
    }

    /// In a rattled periodic crystal, Σ_i E_i = E for Morse,
    /// Lennard-Jones and their sum.
    @Test func atomEnergiesSumToTheEnergy() throws {
        var positions: [SIMD3<Double>] = []
        var seed: UInt64 = 7
        for a in 0..<3 { for b in 0..<3 { for c in 0..<3 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let jitter = Double(seed >> 40) / Double(1 << 24) * 0.2 - 0.1
            positions.append(SIMD3(Double(a), Double(b), Double(c)) * 2.6 + SIMD3(jitter, -jitter, 0.5 * jitter))
        } } }
        let system = try AtomicSystem(atomicNumbers: Array(repeating: 29, count: positions.count), positions: positions,
                                      cell: .orthorhombic(SIMD3(repeating: 7.8)))
        let morse = try Morse(depth: 0.34, alpha: 1.36, r0: 2.63, cutoff: 3.8)
        let lj = try LennardJones(epsilon: 0.01, sigma: 2.3, cutoff: 3.8)
        let potentials: [any Potential] = [morse, lj, SumPotential([morse, lj])]
        for potential in potentials {
            let result = try potential.evaluate(system, request: [.energy, .atomEnergies])
            let atoms = try #require(result.atomEnergies)
            #expect(atoms.count == system.count)
            #expect(abs(atoms.reduce(0, +) - result.energy) <= 1e-12 * max(1, abs(result.energy)))
        }
    }
}
