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
        try Self.checkForcesAgainstFiniteDifferences(mace, system, atoms: system.count, label: kind)
    }

    /// Forces of the first `atoms` atoms are −∂E/∂x: central differences with h = 1e-5 Å,
    /// agreement within 1e-6 (absolute below 1 eV/Å, relative above).
    static func checkForcesAgainstFiniteDifferences(_ mace: MACEPotential, _ system: AtomicSystem, atoms: Int,
                                                    label: String) throws {
        let forces = try mace.evaluate(system).forces
        let h = 1e-5
        for i in 0..<atoms { for a in 0..<3 {
            var p = system, m = system
            p.positions[i][a] += h; m.positions[i][a] -= h
            let fd = -(try mace.evaluate(p, request: .energy).energy - mace.evaluate(m, request: .energy).energy) / (2 * h)
            #expect(abs(fd - forces[i][a]) <= 1e-6 * max(1, abs(fd)), "\(label) F[\(i)][\(a)] \(forces[i][a]) vs FD \(fd)")
        } }
    }

    /// W = −∂E/∂ε: strain cell and positions by (1 + ε) and difference the energy.
    @Test(arguments: ["mp0_medium", "density"]) func virialIsMinusStrainDerivative(kind: String) throws {
        let mace = try MACEPotential(contentsOf: MACEFixtures.modelURL(kind))
        let system = try Self.structure(kind, "triclinic_small")
        try Self.checkVirialAgainstStrain(mace, system, label: kind)
    }

    /// W = −∂E/∂ε: cell and positions strained by (1 + ε), ε symmetric, central differences with
    /// h = 1e-5, agreement within 1e-6 (absolute below 1 eV, relative above).
    static func checkVirialAgainstStrain(_ mace: MACEPotential, _ system: AtomicSystem, label: String) throws {
        let w = try #require(try mace.evaluate(system).virial)
        let h = 1e-5
        func strained(_ a: Int, _ b: Int, _ e: Double) throws -> Double {
            var f = Matrix3.identity
            f[a, b] += e / 2; f[b, a] += e / 2
            var s = system
            s.positions = s.positions.map { $0 * f }
            s.cell = Cell(vectors: system.cell.vectors * f, pbc: system.cell.pbc)
            return try mace.evaluate(s, request: .energy).energy
        }
        for a in 0..<3 { for b in a..<3 {
            let fd = -(try strained(a, b, h) - strained(a, b, -h)) / (2 * h)
            #expect(abs(fd - w[a, b]) <= 1e-6 * max(1, abs(fd)), "\(label) W[\(a)][\(b)] \(w[a, b]) vs FD \(fd)")
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

    /// mace `apply_cutoff=False` puts the envelope on the convolution weights and densities
    /// instead of the radial features. No fixture has it, so the density fixture is switched
    /// to that mode and its forces are checked against finite differences of its energy.
    @Test func envelopeOnWeightsHasConsistentForces() throws {
        var file = try SafetensorsFile(contentsOf: MACEFixtures.modelURL("density"))
        let config = try #require(file.metadata["config"])
        #expect(config.contains("\"apply_cutoff\":true"))
        file.metadata["config"] = config.replacingOccurrences(of: "\"apply_cutoff\":true", with: "\"apply_cutoff\":false")
        let model = try MACEModel<Double>(file: file)
        #expect(!model.config.applyCutoff)
        let system = try Self.structure("density", "triclinic_small")
        let graph0 = EdgeGraph(positions: system.positions, cell: system.cell.vectors,
                               pairs: try NeighborPairs(positions: system.positions, cell: system.cell, cutoff: model.config.cutoff),
                               cutoff: model.config.cutoff)
        let index = Dictionary(uniqueKeysWithValues: model.config.atomicNumbers.enumerated().map { ($0.element, $0.offset) })
        let elements = system.atomicNumbers.map { index[$0]! }
        let (_, grads) = model.energy(elements: elements, graph: graph0, gradients: true)
        var forces = [SIMD3<Double>](repeating: .zero, count: system.count)
        for e in 0..<graph0.count { forces[graph0.receivers[e]] -= grads[e]; forces[graph0.senders[e]] += grads[e] }
        func energy(_ s: AtomicSystem) throws -> Double {
            let pairs = try NeighborPairs(positions: s.positions, cell: s.cell, cutoff: model.config.cutoff)
            let g = EdgeGraph(positions: s.positions, cell: s.cell.vectors, pairs: pairs, cutoff: model.config.cutoff)
            return model.energy(elements: elements, graph: g, gradients: false).energy
        }
        let h = 1e-5
        for i in 0..<system.count { for a in 0..<3 {
            var p = system, m = system
            p.positions[i][a] += h; m.positions[i][a] -= h
            let fd = -(try energy(p) - energy(m)) / (2 * h)
            #expect(abs(fd - forces[i][a]) <= 1e-6 * max(1, abs(fd)), "F[\(i)][\(a)] \(forces[i][a]) vs FD \(fd)")
        } }
    }

    /// A 3×3×3 supercell has 27× the energy and virial and the same forces on every replica.
    /// Its ~4,000 edges span several edge blocks per core (``EdgeBlocks``), which the small
    /// fixture structures do not, so this checks the block-wise forward and backward passes.
    @Test(arguments: ["mp0_medium", "density", "nonlinear_edge"])
    func supercellIsExtensive(kind: String) throws {
        let mace = try MACEPotential(contentsOf: MACEFixtures.modelURL(kind))
        let cell = try Self.structure(kind, "bulk")
        let n = cell.count, h = cell.cell.vectors
        var numbers: [Int] = [], positions: [SIMD3<Double>] = []
        for a in 0..<3 { for b in 0..<3 { for c in 0..<3 {
            let shift = Double(a) * h[row: 0] + Double(b) * h[row: 1] + Double(c) * h[row: 2]
            numbers += cell.atomicNumbers
            positions += cell.positions.map { $0 + shift }
        } } }
        let big = try AtomicSystem(atomicNumbers: numbers, positions: positions,
                                   cell: Cell(vectors: Matrix3(rows: 3 * h[row: 0], 3 * h[row: 1], 3 * h[row: 2]), pbc: cell.cell.pbc))
        let pairs = try NeighborPairs(positions: big.positions, cell: big.cell, cutoff: mace.cutoff)
        #expect(pairs.count > 2 * 8 * EdgeBlocks.size, "too few edges to span several blocks")
        let small = try mace.evaluate(cell, request: .all), large = try mace.evaluate(big, neighbors: pairs, request: .all)
        #expect(abs(large.energy - 27 * small.energy) <= 1e-10 * abs(27 * small.energy))
        for r in 0..<27 { for i in 0..<n {
            let d = large.forces[r * n + i] - small.forces[i]
            #expect((d * d).sum().squareRoot() <= 1e-9, "\(kind) replica \(r) atom \(i)")
        } }
        let w = try #require(large.virial), w0 = try #require(small.virial)
        for a in 0..<3 { for b in 0..<3 { #expect(abs(w[a, b] - 27 * w0[a, b]) <= 1e-9 * max(1, abs(27 * w0[a, b]))) } }
    }

    /// The two schedules of the edge stages (by pairs of opposite edges, and by blocks of
    /// receivers/senders with the radial MLP recomputed) give the same energy and edge gradients,
    /// also with the envelope on the weights (`apply_cutoff=False`).
    @Test(arguments: [("mp0_small", false), ("mp0_medium", false), ("density", false), ("density", true),
                      ("gaussian_agnesi_zbl", false)])
    func edgeSchedulesAgree(kind: String, envelopeOnWeights: Bool) throws {
        var file = try SafetensorsFile(contentsOf: MACEFixtures.modelURL(kind))
        if envelopeOnWeights, let config = file.metadata["config"] {
            file.metadata["config"] = config.replacingOccurrences(of: "\"apply_cutoff\":true", with: "\"apply_cutoff\":false")
        }
        let paired = try MACEModel<Double>(file: file)
        #expect(paired.config.applyCutoff == !envelopeOnWeights)
        let system = try Self.structure(kind, "bulk")
        let graph = EdgeGraph(positions: system.positions, cell: system.cell.vectors,
                              pairs: try NeighborPairs(positions: system.positions, cell: system.cell, cutoff: paired.config.cutoff),
                              cutoff: paired.config.cutoff)
        #expect(graph.reverse.allSatisfy { $0 >= 0 })
        let index = Dictionary(uniqueKeysWithValues: paired.config.atomicNumbers.enumerated().map { ($0.element, $0.offset) })
        let elements = system.atomicNumbers.map { index[$0]! }
        let a = paired.energy(elements: elements, graph: graph, gradients: true)
        let b = paired.energy(elements: elements, graph: graph, gradients: true, schedule: .blocked)
        #expect(abs(a.energy - b.energy) <= 1e-12 * max(1, abs(a.energy)))
        // Per node, the sum of ±g over its edges is what enters the forces.
        var fa = [SIMD3<Double>](repeating: .zero, count: system.count), fb = fa
        for e in 0..<graph.count {
            fa[graph.receivers[e]] -= a.edgeGradients[e]; fa[graph.senders[e]] += a.edgeGradients[e]
            fb[graph.receivers[e]] -= b.edgeGradients[e]; fb[graph.senders[e]] += b.edgeGradients[e]
        }
        let scale = fa.map { ($0 * $0).sum().squareRoot() }.max() ?? 1
        for i in 0..<system.count {
            let d = fa[i] - fb[i]
            #expect((d * d).sum().squareRoot() <= 1e-11 * max(1, scale), "\(kind) atom \(i)")
        }
    }

    /// Concurrent evaluations of one potential (each borrows its own work arrays) agree.
    @Test func concurrentEvaluationsAgree() async throws {
        let mace = try MACEPotential(contentsOf: MACEFixtures.modelURL("mp0_medium"))
        let system = try Self.structure("mp0_medium", "bulk")
        let reference = try mace.evaluate(system)
        let results = try await withThrowingTaskGroup(of: Evaluation.self) { group in
            for _ in 0..<4 { group.addTask { try mace.evaluate(system) } }
            var all: [Evaluation] = []
            for try await r in group { all.append(r) }
            return all
        }
        #expect(results.count == 4)
        for r in results {
            #expect(r.energy == reference.energy)
            #expect(r.forces == reference.forces)
        }
    }
}
