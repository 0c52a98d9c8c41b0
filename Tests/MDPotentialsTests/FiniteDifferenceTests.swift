import Foundation
import Testing
import MDCore
import MDNeighbors
@testable import MDPotentials

/// A rattled fcc-like periodic structure of `atoms` atoms in a skewed cell (Å).
func rattledTriclinicSystem(seed: UInt64, scale: Double) throws -> AtomicSystem {
    var rng = SplitMix64(seed: seed)
    let h = Matrix3(rows: SIMD3(2.0, 0, 0), SIMD3(0.6, 2.1, 0), SIMD3(-0.4, 0.5, 2.2))
    var positions: [SIMD3<Double>] = []
    for x in 0..<2 { for y in 0..<2 { for z in 0..<2 {
        let f = SIMD3(Double(x), Double(y), Double(z)) + rng.vector(0.08)
        positions.append(scale * (f * h))
    } } }
    return try AtomicSystem(atomicNumbers: Array(repeating: 18, count: positions.count), positions: positions,
                            cell: Cell(vectors: scale * (2.0 * h)))
}

/// The potentials under test, by index (Potential values are not Sendable test arguments).
func potential(_ index: Int) throws -> (String, any Potential) {
    switch index {
    case 0: return ("LennardJones", try LennardJones(epsilon: 0.0104, sigma: 3.4, cutoff: 7.0))
    case 1: return ("Morse", try Morse(depth: 0.35, alpha: 1.36, r0: 2.87, cutoff: 6.0))
    default: return ("Sum", SumPotential([try LennardJones(epsilon: 0.01, sigma: 3.0, cutoff: 6.5),
                                          try Morse(depth: 0.2, alpha: 1.2, r0: 3.2, cutoff: 5.5)]))
    }
}

@Suite struct FiniteDifferenceTests {
    /// Central difference with step h; relative error of forces < 1e-6.
    @Test(arguments: [0, 1, 2])
    func forcesAreNegativeEnergyGradient(_ index: Int) throws {
        let (name, potential) = try potential(index)
        let system = try rattledTriclinicSystem(seed: 3, scale: 1.75)
        let forces = try potential.evaluate(system).forces
        let step = 1e-5
        var worst = 0.0
        for i in [0, 3, 7] {
            for k in 0..<3 {
                var plus = system, minus = system
                plus.positions[i][k] += step
                minus.positions[i][k] -= step
                let fd = -(try potential.evaluate(plus).energy - potential.evaluate(minus).energy) / (2 * step)
                worst = max(worst, abs(fd - forces[i][k]))
            }
        }
        let scale = forces.map { length($0) }.max() ?? 1
        #expect(scale > 1e-3, "\(name): test structure has negligible forces")
        #expect(worst / scale < 1e-6, "\(name): max |F − F_fd| / max|F| = \(worst / scale)")
    }

    /// W = −∂E/∂ε for a strain applied to cell and positions: x → (1 + ε)x.
    @Test(arguments: [0, 1, 2])
    func virialIsNegativeStrainDerivative(_ index: Int) throws {
        let (name, potential) = try potential(index)
        let system = try rattledTriclinicSystem(seed: 5, scale: 1.7)
        let virial = try #require(try potential.evaluate(system).virial)
        let step = 1e-6
        func strained(_ a: Int, _ b: Int, _ eps: Double) -> AtomicSystem {
            var s = system
            var strain = Matrix3.identity
            strain[a, b] += eps / 2; strain[b, a] += eps / 2   // symmetric strain
            // Row vectors transform as x → x (1 + ε)ᵀ.
            s.positions = s.positions.map { $0 * strain.transposed }
            s.cell.vectors = s.cell.vectors * strain.transposed
            return s
        }
        var worst = 0.0
        for a in 0..<3 { for b in 0..<3 {
            let dE = (try potential.evaluate(strained(a, b, step)).energy
                      - potential.evaluate(strained(a, b, -step)).energy) / (2 * step)
            worst = max(worst, abs(-dE - virial[a, b]))
        } }
        #expect(worst / virial.maxAbs < 1e-6, "\(name): virial error \(worst / virial.maxAbs)")
        #expect(abs(virial[0, 1] - virial[1, 0]) < 1e-10 * virial.maxAbs)
    }

    @Test(arguments: [0, 1, 2])
    func energyInvariantUnderRotationAndTranslation(_ index: Int) throws {
        let (name, potential) = try potential(index)
        let system = try rattledTriclinicSystem(seed: 11, scale: 1.8)
        let e0 = try potential.evaluate(system).energy
        let (c, s) = (cos(0.7), sin(0.7))
        let rotation = Matrix3(rows: SIMD3(c, -s, 0), SIMD3(s, c, 0), SIMD3(0, 0, 1))
            * Matrix3(rows: SIMD3(1, 0, 0), SIMD3(0, cos(0.3), -sin(0.3)), SIMD3(0, sin(0.3), cos(0.3)))
        var moved = system
        moved.positions = system.positions.map { rotation * $0 + SIMD3(1.3, -7.1, 0.4) }
        moved.cell.vectors = Matrix3(rows: rotation * system.cell.vectors[row: 0],
                                     rotation * system.cell.vectors[row: 1],
                                     rotation * system.cell.vectors[row: 2])
        let e1 = try potential.evaluate(moved).energy
        #expect(abs(e1 - e0) < 1e-10 * max(1, abs(e0)), "\(name): \(e0) vs \(e1)")
    }
}

@Suite struct PairPotentialTests {
    @Test func lennardJonesDimerByHand() throws {
        let lj = try LennardJones(epsilon: 0.5, sigma: 2.0, cutoff: 5.0)
        let r = 2.3
        let dimer = try AtomicSystem(atomicNumbers: [18, 18], positions: [.zero, SIMD3(r, 0, 0)])
        let result = try lj.evaluate(dimer)
        func raw(_ r: Double) -> Double { 4 * 0.5 * (pow(2 / r, 12) - pow(2 / r, 6)) }
        #expect(abs(result.energy - (raw(r) - raw(5.0))) < 1e-14)
        let f = -24 * 0.5 * (2 * pow(2 / r, 12) - pow(2 / r, 6)) / r   // dφ/dr
        #expect(abs(result.forces[1].x - (-f)) < 1e-12)
        #expect(abs(result.forces[0].x - f) < 1e-12)
        // Beyond the cutoff nothing interacts.
        let apart = try AtomicSystem(atomicNumbers: [18, 18], positions: [.zero, SIMD3(5.01, 0, 0)])
        #expect(try lj.evaluate(apart).energy == 0)
        // The minimum of the unshifted potential is at 2^(1/6) σ.
        #expect(abs(lj.minimumDistance - 2.244924096618746) < 1e-12)
    }

    @Test func morseMinimumIsAtR0() throws {
        let m = try Morse(depth: 0.3, alpha: 1.5, r0: 2.5, cutoff: 8.0)
        let (_, d) = m.pairTerm(r: 2.5, zi: 1, zj: 1)
        #expect(abs(d) < 1e-14)
        let (e, _) = m.pairTerm(r: 8.0, zi: 1, zj: 1)
        #expect(abs(e) < 1e-14)
    }

    @Test func pressureSignMatchesASE() throws {
        // A compressed LJ crystal pushes outward: stress negative, pressure positive.
        let lj = LennardJones.argon()
        let system = try rattledTriclinicSystem(seed: 1, scale: 1.45)
        let stress = try #require(try lj.evaluate(system).stress(volume: system.cell.volume))
        #expect(-stress.trace / 3 > 0)
    }

    @Test func badParametersAndElements() throws {
        #expect(throws: PotentialError.self) { try LennardJones(epsilon: -1, sigma: 1) }
        #expect(throws: PotentialError.self) { try Morse(depth: 1, alpha: 0, r0: 1, cutoff: 3) }
        let argonOnly = try LennardJones(epsilon: 0.01, sigma: 3.4, elements: [18])
        let water = try AtomicSystem(symbols: ["O", "H"], positions: [.zero, SIMD3(1, 0, 0)])
        #expect(throws: PotentialError.unsupportedElement(8, supported: [18])) { try argonOnly.evaluate(water) }
        #expect(PotentialError.unsupportedElement(8, supported: [18]).description.contains("O is not supported"))
    }
}
