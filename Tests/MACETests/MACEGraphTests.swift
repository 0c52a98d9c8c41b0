import Foundation
import Testing
import MDCore
import MDNeighbors
import MDPotentials
@testable import MACE

/// The graph-level entry point as a domain-decomposed host (LAMMPS over MPI ranks) uses it:
/// a periodic system is cut into slabs ("ranks"); each rank passes its own atoms as owned nodes,
/// the periodic images within a ghost shell as ghost nodes at their unwrapped positions, and
/// every edge among its nodes within r_max (in a shuffled order). The owned energies must add
/// up to the whole system's energy and the forces, summed back from every node onto the atom it
/// copies, to the whole system's forces.
@Suite struct MACEGraphTests {
    /// One rank's graph and, for every node, the atom of the periodic system it copies.
    struct Rank {
        var graph: MACEGraph
        var atom: [Int]
    }

    /// Cuts `system` into `count` slabs along its first cell vector (by wrapped fractional
    /// coordinate) with ghost atoms up to `shell` Å from the nearest owned atom. With
    /// `receiverReach`, only nodes within that distance of an owned atom receive edges (as a
    /// host lists neighbours of its inner atoms only), so edges from the outer ghosts lack their
    /// reverse.
    static func ranks(of system: AtomicSystem, count: Int, shell: Double, cutoff: Double,
                      elementIndex: [Int: Int], receiverReach: Double? = nil) throws -> [Rank] {
        let h = system.cell.vectors, pbc = system.cell.pbc
        let fractional = try system.cell.fractional(system.positions)
        let heights = system.cell.faceHeights
        let periodic = [pbc.a, pbc.b, pbc.c]
        let reach = (0..<3).map { periodic[$0] ? Int((shell / heights[$0]).rounded(.up)) + 1 : 0 }
        var images: [SIMD3<Double>] = []
        for a in -reach[0]...reach[0] { for b in -reach[1]...reach[1] { for c in -reach[2]...reach[2] {
            images.append(SIMD3<Double>(Double(a), Double(b), Double(c)) * h)
        } } }
        return (0..<count).map { k in
            let owned = system.positions.indices.filter {
                let f = fractional[$0].x - (fractional[$0].x).rounded(.down)
                return min(Int(f * Double(count)), count - 1) == k
            }
            var positions = owned.map { system.positions[$0] }, atom = owned
            let ownedSet = Set(owned)
            for (s, shift) in images.enumerated() {
                for j in system.positions.indices where !(s == images.count / 2 && ownedSet.contains(j)) {
                    let x = system.positions[j] + shift
                    if owned.contains(where: { length(system.positions[$0] - x) < shell }) {
                        positions.append(x); atom.append(j)
                    }
                }
            }
            var senders: [Int] = [], receivers: [Int] = []
            let receives = positions.map { x in
                receiverReach.map { reach in owned.contains { length(system.positions[$0] - x) < reach } } ?? true
            }
            for i in positions.indices where receives[i] {
                for j in positions.indices where i != j && length(positions[i] - positions[j]) < cutoff {
                    receivers.append(i); senders.append(j)
                }
            }
            // A fixed shuffle: the entry point must not rely on the caller's edge order.
            var order = Array(senders.indices)
            var state: UInt64 = 0x9E37_79B9_7F4A_7C15
            for e in stride(from: order.count - 1, to: 0, by: -1) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                order.swapAt(e, Int(state >> 33) % (e + 1))
            }
            let graph = MACEGraph(positions: positions, elements: atom.map { elementIndex[system.atomicNumbers[$0]]! },
                                  senders: order.map { senders[$0] }, receivers: order.map { receivers[$0] },
                                  shifts: Array(repeating: .zero, count: order.count),
                                  owned: positions.indices.map { $0 < owned.count })
            return Rank(graph: graph, atom: atom)
        }
    }

    /// The largest energy and force errors of the ranks' sum against the whole system.
    static func decompositionError(_ kind: String, structure: String, replicate: Int, ranks count: Int,
                                   shellLayers: Double, trimmed: Bool = false) throws -> (energy: Double, force: Double, atomEnergy: Double) {
        let mace = try MACEPotential(contentsOf: MACEFixtures.modelURL(kind))
        var system = try MACEPotentialTests.structure(kind, structure)
        if replicate > 1 {
            let a = system.cell.vectors[row: 0]
            let positions = (0..<replicate).flatMap { r in system.positions.map { $0 + Double(r) * a } }
            system = try AtomicSystem(atomicNumbers: Array(Array(repeating: system.atomicNumbers, count: replicate).joined()),
                                      positions: positions,
                                      cell: Cell(vectors: Matrix3(rows: Double(replicate) * a, system.cell.vectors[row: 1],
                                                                  system.cell.vectors[row: 2]), pbc: system.cell.pbc))
        }
        let whole = try mace.evaluate(system, request: [.energy, .forces, .virial, .atomEnergies])
        let shell = shellLayers * mace.cutoff + 0.1
        let reach = trimmed ? (shellLayers - 1) * mace.cutoff + 0.1 : nil
        let ranks = try Self.ranks(of: system, count: count, shell: shell, cutoff: mace.cutoff, elementIndex: mace.elementIndex,
                                   receiverReach: reach)
        if trimmed {
            let edges = Set(ranks[0].graph.senders.indices.map { [ranks[0].graph.senders[$0], ranks[0].graph.receivers[$0]] })
            #expect(edges.contains { !edges.contains([$0[1], $0[0]]) }, "every edge has its reverse")
        }
        var energy = 0.0, atomEnergies = [Double](repeating: 0, count: system.count)
        var forces = [SIMD3<Double>](repeating: .zero, count: system.count)
        for rank in ranks {
            let result = try mace.evaluate(rank.graph, request: [.forces, .virial])
            energy += result.energy
            for (node, i) in rank.atom.enumerated() {
                forces[i] += result.forces[node]
                atomEnergies[i] += result.atomEnergies[node]
            }
        }
        let forceError = zip(forces, whole.forces).map { length($0 - $1) }.max() ?? 0
        let atomError = zip(atomEnergies, try #require(whole.atomEnergies)).map { abs($0 - $1) }.max() ?? 0
        return (abs(energy - whole.energy), forceError, atomError)
    }

    /// Ghost shell num_interactions × r_max: the ranks reproduce the whole system.
    @Test(arguments: [("mp0_small", "bulk", 2, 2), ("three_layers_corr2", "slab", 2, 3),
                      ("gaussian_agnesi_zbl", "slab", 2, 2), ("nonlinear_edge", "slab", 1, 2), ("density", "slab", 1, 2)])
    func ranksReproduceTheWholeSystem(kind: String, structure: String, replicate: Int, ranks: Int) throws {
        let layers = try MACEModel<Double>(file: try SafetensorsFile(contentsOf: MACEFixtures.modelURL(kind))).layers.count
        let error = try Self.decompositionError(kind, structure: structure, replicate: replicate, ranks: ranks,
                                                shellLayers: Double(layers))
        #expect(error.energy <= 1e-10, "\(kind): |ΔE| = \(error.energy) eV")
        #expect(error.force <= 1e-10, "\(kind): max |ΔF| = \(error.force) eV/Å")
        #expect(error.atomEnergy <= 1e-10, "\(kind): max |ΔE_i| = \(error.atomEnergy) eV")
    }

    /// Only nodes within (num_interactions − 1) × r_max of an owned atom receive edges: the
    /// outer ghosts' edges have no reverse, and the paired schedule runs them unpaired.
    @Test(arguments: [("mp0_small", "bulk", 2, 2), ("three_layers_corr2", "slab", 2, 3), ("density", "slab", 1, 2)])
    func ranksWithOneWayEdgesReproduceTheWholeSystem(kind: String, structure: String, replicate: Int, ranks: Int) throws {
        let layers = try MACEModel<Double>(file: try SafetensorsFile(contentsOf: MACEFixtures.modelURL(kind))).layers.count
        let error = try Self.decompositionError(kind, structure: structure, replicate: replicate, ranks: ranks,
                                                shellLayers: Double(layers), trimmed: true)
        #expect(error.energy <= 1e-10, "\(kind): |ΔE| = \(error.energy) eV")
        #expect(error.force <= 1e-10, "\(kind): max |ΔF| = \(error.force) eV/Å")
        #expect(error.atomEnergy <= 1e-10, "\(kind): max |ΔE_i| = \(error.atomEnergy) eV")
    }

    /// Negative control: a ghost shell one layer too thin, (num_interactions − 1) × r_max,
    /// misses atoms that the owned energies depend on.
    @Test(arguments: [("mp0_small", "bulk", 2, 2), ("three_layers_corr2", "slab", 2, 3)])
    func thinGhostShellFails(kind: String, structure: String, replicate: Int, ranks: Int) throws {
        let layers = try MACEModel<Double>(file: try SafetensorsFile(contentsOf: MACEFixtures.modelURL(kind))).layers.count
        let error = try Self.decompositionError(kind, structure: structure, replicate: replicate, ranks: ranks,
                                                shellLayers: Double(layers - 1))
        #expect(error.energy > 1e-6 || error.force > 1e-6,
                "\(kind): a thin shell reproduced the system (|ΔE| = \(error.energy) eV, max |ΔF| = \(error.force) eV/Å)")
    }

    /// Per-atom energies add up to the energy, for MACE and for pair potentials.
    @Test func atomEnergiesSumToTheEnergy() throws {
        let mace = try MACEPotential(contentsOf: MACEFixtures.modelURL("gaussian_agnesi_zbl"))
        let system = try MACEPotentialTests.structure("gaussian_agnesi_zbl", "bulk")
        let potentials: [any Potential] = [mace, try LennardJones(epsilon: 0.01, sigma: 2.5, cutoff: 5),
                                           SumPotential([mace, try LennardJones(epsilon: 0.01, sigma: 2.5, cutoff: 5)])]
        for potential in potentials {
            let result = try potential.evaluate(system, request: [.energy, .atomEnergies])
            let atoms = try #require(result.atomEnergies)
            #expect(atoms.count == system.count)
            #expect(abs(atoms.reduce(0, +) - result.energy) <= 1e-10 * max(1, abs(result.energy)))
            #expect(try potential.evaluate(system, request: .energy).atomEnergies == nil)
        }
    }

    /// ∂E/∂r per input edge gives the same forces as the entry point, in the caller's edge order.
    @Test func edgeGradientsGiveTheForces() throws {
        let mace = try MACEPotential(contentsOf: MACEFixtures.modelURL("mp0_small"))
        let system = try MACEPotentialTests.structure("mp0_small", "slab")
        let rank = try #require(try Self.ranks(of: system, count: 2, shell: 2 * mace.cutoff + 0.1, cutoff: mace.cutoff,
                                               elementIndex: mace.elementIndex).first)
        let result = try mace.evaluate(rank.graph, request: .forces, edgeGradients: true)
        let g = try #require(result.edgeGradients)
        var forces = [SIMD3<Double>](repeating: .zero, count: rank.graph.positions.count)
        for e in g.indices {
            forces[rank.graph.receivers[e]] -= g[e]
            forces[rank.graph.senders[e]] += g[e]
        }
        let error = zip(forces, result.forces).map { length($0 - $1) }.max() ?? 0
        #expect(error <= 1e-12)
        #expect(rank.graph.owned!.contains(false))
        #expect(zip(result.atomEnergies, rank.graph.owned!).allSatisfy { $1 || $0 == 0 })
    }

    @Test func inconsistentGraphsAreRejected() throws {
        let mace = try MACEPotential(contentsOf: MACEFixtures.modelURL("mp0_small"))
        let good = MACEGraph(positions: [.zero, SIMD3(0, 0, 2)], elements: [0, 0], senders: [0, 1], receivers: [1, 0],
                             shifts: [.zero, .zero])
        _ = try mace.evaluate(good, request: .forces)
        var bad = good; bad.elements = [0, 99]
        #expect(throws: MACEError.self) { try mace.evaluate(bad, request: .forces) }
        bad = good; bad.senders = [0, 2]
        #expect(throws: MACEError.self) { try mace.evaluate(bad, request: .forces) }
        bad = good; bad.shifts = [.zero]
        #expect(throws: MACEError.self) { try mace.evaluate(bad, request: .forces) }
        bad = good; bad.owned = [true]
        #expect(throws: MACEError.self) { try mace.evaluate(bad, request: .forces) }
    }
}
