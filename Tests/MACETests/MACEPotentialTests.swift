import Foundation
import Testing
import MDCore
import MDNeighbors
import MDPotentials
@testable import MACE

/// Whole-model checks: forces and virial against finite differences of the energy, symmetry
/// invariances, and load/evaluation errors.
@Suite struct MACEPotentialTests {
    static func structure(_ kind: String, _ name: String) throws -> AtomicSystem {
        let s = try #require(try MACEFixtures.reference(kind).structures.first { $0.name == name })
        return s.system
    }

    @Test(arguments: [("three_layers_corr2", "triclinic_small"), ("nonlinear_edge", "triclinic_small"),
                      ("gaussian_agnesi_zbl", "molecule")])
    func forcesAreMinusEnergyGradient(kind: String, name: String) throws {
        let mace = try MACEPotential(contentsOf: MACEFixtures.modelURL(kind))
        var system = try Self.structure(kind, name)
        if system.count > 4 { system = try AtomicSystem(atomicNumbers: Array(system.atomicNumbers.prefix(4)),
                                                        positions: Array(system.positions.prefix(4)), cell: system.cell) }
        let forces = try mace.evaluate(system).forces
        let h = 1e-5
        for i in 0..<system.count { for a in 0..<3 {
            var p = system, m = system
            p.positions[i][a] += h; m.positions[i][a] -= h
            let fd = -(try mace.evaluate(p, request: .energy).energy - mace.evaluate(m, request: .energy).energy) / (2 * h)
            #expect(abs(fd - forces[i][a]) <= 1e-6 * max(1, abs(fd)), "\(kind) F[\(i)][\(a)] \(forces[i][a]) vs FD \(fd)")
        } }
    }

    /// W = −∂E/∂ε: strain cell and positions by (1 + ε) and difference the energy.
    @Test(arguments: ["mp0_medium", "density"]) func virialIsMinusStrainDerivative(kind: String) throws {
        let mace = try MACEPotential(contentsOf: MACEFixtures.modelURL(kind))
        let system = try Self.structure(kind, "triclinic_small")
        let w = try #require(try mace.evaluate(system).virial)
        let h = 1e-5
        func strained(_ a: Int, _ b: Int, _ e: Double) throws -> Double {
            var eps = [[0.0, 0, 0], [0, 0, 0], [0, 0, 0]]
            eps[a][b] += e / 2; eps[b][a] += e / 2
            let f = try Matrix3([[1 + eps[0][0], eps[0][1], eps[0][2]], [eps[1][0], 1 + eps[1][1], eps[1][2]],
                                 [eps[2][0], eps[2][1], 1 + eps[2][2]]])
            var s = system
            s.positions = s.positions.map { $0 * f }
            s.cell = Cell(vectors: system.cell.vectors * f, pbc: system.cell.pbc)
            return try mace.evaluate(s, request: .energy).energy
        }
        for a in 0..<3 { for b in a..<3 {
            let fd = -(try strained(a, b, h) - strained(a, b, -h)) / (2 * h)
            #expect(abs(fd - w[a, b]) <= 1e-6 * max(1, abs(fd)), "\(kind) W[\(a)][\(b)] \(w[a, b]) vs FD \(fd)")
        } }
    }

    @Test func energyInvariantUnderRotationTranslationPermutation() throws {
        let mace = try MACEPotential(contentsOf: MACEFixtures.modelURL("hidden_l2"))
        let system = try Self.structure("hidden_l2", "molecule")
        let reference = try mace.evaluate(system)
        // Rotation about an oblique axis, then a translation.
        let (c, s) = (cos(0.7), sin(0.7))
        let rz = try Matrix3([[c, -s, 0], [s, c, 0], [0, 0, 1]])
        let rx = try Matrix3([[1, 0, 0], [0, cos(1.1), -sin(1.1)], [0, sin(1.1), cos(1.1)]])
        let rotation = rz * rx
        var moved = system
        moved.positions = system.positions.map { $0 * rotation + SIMD3(0.3, -1.2, 2.5) }
        let r1 = try mace.evaluate(moved)
        #expect(abs(r1.energy - reference.energy) <= 1e-10 * (1 + abs(reference.energy)))
        // Forces rotate with the structure.
        let maxDev = zip(r1.forces, reference.forces).reduce(0.0) { max($0, length($1.0 - $1.1 * rotation)) }
        #expect(maxDev <= 1e-9 * (1 + reference.maxForce))
        // Permutation: reverse the atom order.
        let order = Array((0..<system.count).reversed())
        let permuted = try AtomicSystem(atomicNumbers: order.map { system.atomicNumbers[$0] },
                                        positions: order.map { system.positions[$0] }, cell: system.cell)
        let r2 = try mace.evaluate(permuted)
        #expect(abs(r2.energy - reference.energy) <= 1e-10 * (1 + abs(reference.energy)))
        let permDev = order.enumerated().reduce(0.0) { max($0, length(r2.forces[$1.offset] - reference.forces[$1.element])) }
        #expect(permDev <= 1e-10 * (1 + reference.maxForce))
    }

    @Test func unknownElementIsReported() throws {
        let mace = try MACEPotential(contentsOf: MACEFixtures.modelURL("mp0_small"))
        let known = try #require(mace.config.atomicNumbers.first)
        let unknown = (1...100).first { !mace.config.atomicNumbers.contains($0) }!
        let system = try AtomicSystem(atomicNumbers: [known, unknown], positions: [.zero, SIMD3(1.5, 0, 0)])
        #expect {
            try mace.evaluate(system)
        } throws: { error in
            let text = "\(error)"
            return text.contains((try? Element(atomicNumber: unknown).symbol) ?? "?") && text.contains((try? Element(atomicNumber: known).symbol) ?? "?")
        }
    }

    @Test func unsupportedInteractionIsRefusedAtLoad() throws {
        var file = try SafetensorsFile(contentsOf: MACEFixtures.modelURL("mp0_small"))
        let config = try #require(file.metadata["config"])
        file.metadata["config"] = config.replacingOccurrences(of: "RealAgnosticResidualInteractionBlock",
                                                              with: "RealAgnosticAttResidualInteractionBlock")
        #expect {
            try MACEModel<Double>(file: file)
        } throws: { error in
            let text = "\(error)"
            return text.contains("RealAgnosticAttResidualInteractionBlock") && text.contains("layer 1") && !text.contains("\n")
        }
    }

    @Test func unknownHeadIsRefused() {
        #expect(throws: MACEError.self) {
            try MACEPotential(contentsOf: MACEFixtures.modelURL("mp0_small"), head: "no-such-head")
        }
    }

    @Test func missingFileNamesThePath() {
        #expect {
            try MACEPotential(contentsOf: URL(fileURLWithPath: "/nonexistent/model.safetensors"))
        } throws: { error in "\(error)".contains("/nonexistent/model.safetensors") }
    }

    /// Skin pairs beyond r_max must not change anything.
    @Test func pairsBeyondTheCutoffAreIgnored() throws {
        let mace = try MACEPotential(contentsOf: MACEFixtures.modelURL("mp0_small"))
        let system = try Self.structure("mp0_small", "bulk")
        let tight = try NeighborPairs(positions: system.positions, cell: system.cell, cutoff: mace.cutoff)
        let skin = try NeighborPairs(positions: system.positions, cell: system.cell, cutoff: mace.cutoff + 1.5)
        #expect(skin.count > tight.count)
        let a = try mace.evaluate(system, neighbors: tight, request: .all)
        let b = try mace.evaluate(system, neighbors: skin, request: .all)
        #expect(abs(a.energy - b.energy) <= 1e-12 * (1 + abs(a.energy)))
        #expect(maxDeviation(a.forces, b.forces) <= 1e-12 * (1 + a.maxForce))
    }

    /// Work arrays are reused between evaluations: results must not depend on what ran before.
    @Test func repeatedEvaluationsAgree() throws {
        let mace = try MACEPotential(contentsOf: MACEFixtures.modelURL("nonlinear_edge"))
        let big = try Self.structure("nonlinear_edge", "bulk"), small = try Self.structure("nonlinear_edge", "molecule")
        let first = try mace.evaluate(big)
        _ = try mace.evaluate(small)
        let again = try mace.evaluate(big)
        #expect(again.energy == first.energy)
        #expect(again.forces == first.forces)
        #expect(again.virial == first.virial)
    }

    /// An isolated atom has no edges: E = E0 + s·e(h⁰) + μ and zero force.
    @Test func isolatedAtomHasNoForce() throws {
        let mace = try MACEPotential(contentsOf: MACEFixtures.modelURL("mp0_medium"))
        let z = try #require(mace.config.atomicNumbers.last)
        let r = try mace.evaluate(try AtomicSystem(atomicNumbers: [z], positions: [SIMD3(0.1, 0.2, 0.3)]))
        #expect(r.energy.isFinite)
        #expect(r.forces == [.zero])
        let pair = try mace.evaluate(try AtomicSystem(atomicNumbers: [z, z], positions: [.zero, SIMD3(0, 0, mace.cutoff + 0.1)]))
        #expect(abs(pair.energy - 2 * r.energy) <= 1e-12 * (1 + abs(r.energy)))
    }

    @Test func mismatchedNeighbourListIsRefused() throws {
        let mace = try MACEPotential(contentsOf: MACEFixtures.modelURL("mp0_small"))
        let z = try #require(mace.config.atomicNumbers.first)
        let system = try AtomicSystem(atomicNumbers: [z, z], positions: [.zero, SIMD3(1.4, 0, 0)])
        let other = try NeighborPairs(positions: [.zero], cell: .none, cutoff: mace.cutoff)
        #expect(throws: MACEError.self) { try mace.evaluate(system, neighbors: other, request: .all) }
    }
}
