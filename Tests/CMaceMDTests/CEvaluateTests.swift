import Foundation
import Testing
import MACE
import MDCore
import MDPotentials
@testable import CMaceMD

/// The C entry points called as a C host calls them: a structure through `macemd_evaluate`
/// agrees with ``MACEPotential`` itself, and a host-built graph through
/// `macemd_evaluate_edges` cut into slab "ranks" with ghost shells reproduces the whole system.
@Suite struct CEvaluateTests {
    @Test func versionAndModelFacts() throws {
        #expect(String(cString: macemd_version()) == macemdVersion)
        let model = try CModel.load("three_layers_corr2")
        defer { macemd_free(model) }
        var cutoff = 0.0, layers: Int64 = 0, elements: Int64 = 0, heads: Int64 = 0
        #expect(macemd_cutoff(model, &cutoff) == CStatus.ok && cutoff == 4.5)
        #expect(macemd_num_interactions(model, &layers) == CStatus.ok && layers == 3)
        #expect(macemd_num_elements(model, &elements) == CStatus.ok && elements == 4)
        var numbers = [Int32](repeating: 0, count: Int(elements))
        #expect(macemd_elements(model, &numbers) == CStatus.ok && numbers == [1, 6, 8, 29])
        #expect(macemd_num_heads(model, &heads) == CStatus.ok && heads == 1)
        var name = [CChar](repeating: 0, count: 32)
        #expect(macemd_head_name(model, -1, &name, name.count, nil, 0) == CStatus.ok)
        #expect(text(name) == "Default")
    }

    /// `macemd_evaluate` equals MACEPotential's own evaluation (same code, so to rounding).
    @Test(arguments: [("copper", false), ("mp0_small", true)])
    func structureMatchesThePotential(name: String, tilted: Bool) throws {
        let model = try CModel.load(name)
        defer { macemd_free(model) }
        let symbols = name == "copper" ? ["Cu"] : ["Cu", "O", "C", "Cu", "H"]
        let system = try rattledFCC(symbols, a: 3.6, repeats: SIMD3(2, 2, 2), tilted: tilted)
        let c = try CModel.evaluate(model, system)
        let mace = try MACEPotential(contentsOf: URL(fileURLWithPath: CModel.path(name)))
        let swift = try mace.evaluate(system, request: [.energy, .forces, .virial, .atomEnergies])
        #expect(abs(c.energy - swift.energy) <= 1e-10)
        let f = swift.forces.flatMap { [$0.x, $0.y, $0.z] }
        #expect(zip(c.forces, f).map { abs($0 - $1) }.max()! <= 1e-10)
        let w = try #require(swift.virial)
        #expect((0..<9).map { abs(c.virial[$0] - w[row: $0 / 3][$0 % 3]) }.max()! <= 1e-10)
        #expect(abs(c.atomEnergies.reduce(0, +) - c.energy) <= 1e-10 * abs(c.energy))
    }

    /// Slab ranks with ghosts out to num_interactions × r_max (plus a skin in the edge list,
    /// which the library must ignore) reproduce the whole system: energy, folded forces,
    /// summed virial and per-atom energies. A shell one layer thinner fails.
    /// (MACETests' MACEGraphTests cover more model kinds at the graph level.)
    @Test(arguments: [("copper", 2, true, true), ("three_layers_corr2", 2, false, false)])
    func ranksReproduceTheStructure(name: String, count: Int, tilted: Bool, thinControl: Bool) throws {
        let model = try CModel.load(name)
        defer { macemd_free(model) }
        var cutoff = 0.0, layers: Int64 = 0
        _ = macemd_cutoff(model, &cutoff); _ = macemd_num_interactions(model, &layers)
        let symbols = name == "copper" ? ["Cu"] : ["Cu", "O", "C", "Cu", "H"]
        let system = try rattledFCC(symbols, a: 3.6, repeats: SIMD3(2, 2, 2), tilted: tilted)
        let whole = try CModel.evaluate(model, system)
        func error(shellLayers: Double) throws -> (energy: Double, force: Double, virial: Double, atom: Double) {
            let skin = 0.5
            let ranks = try CModel.ranks(of: system, count: count, shell: shellLayers * cutoff + skin, radius: cutoff + skin)
            var energy = 0.0, forces = [Double](repeating: 0, count: 3 * system.count)
            var virial = [Double](repeating: 0, count: 9), atoms = [Double](repeating: 0, count: system.count)
            for rank in ranks {
                let r = try CModel.evaluate(model, rank, numbers: system.atomicNumbers)
                energy += r.energy
                for (node, i) in rank.atom.enumerated() { for k in 0..<3 { forces[3 * i + k] += r.forces[3 * node + k] } }
                for k in 0..<9 { virial[k] += r.virial[k] }
                for node in 0..<rank.owned { atoms[rank.atom[node]] += r.atomEnergies[node] }
            }
            return (abs(energy - whole.energy), zip(forces, whole.forces).map { abs($0 - $1) }.max()!,
                    zip(virial, whole.virial).map { abs($0 - $1) }.max()!, zip(atoms, whole.atomEnergies).map { abs($0 - $1) }.max()!)
        }
        let good = try error(shellLayers: Double(layers))
        #expect(good.energy <= 1e-10, "|ΔE| = \(good.energy) eV")
        #expect(good.force <= 1e-10, "max |ΔF| = \(good.force) eV/Å")
        #expect(good.virial <= 1e-9, "max |ΔW| = \(good.virial) eV")
        #expect(good.atom <= 1e-10, "max |ΔE_i| = \(good.atom) eV")
        guard thinControl else { return }
        let thin = try error(shellLayers: Double(layers - 1))
        #expect(thin.energy > 1e-6 || thin.force > 1e-6, "a shell of (layers − 1) × r_max reproduced the system")
    }

    /// Skipped outputs are not written; energy alone is allowed.
    @Test func nullOutputsAreSkipped() throws {
        let model = try CModel.load("copper")
        defer { macemd_free(model) }
        let system = try rattledFCC(["Cu"], a: 3.6, repeats: SIMD3(2, 2, 2))
        let x = system.positions.flatMap { [$0.x, $0.y, $0.z] }, z = system.atomicNumbers.map(Int32.init)
        let h = system.cell.vectors
        let cell = (0..<9).map { h[row: $0 / 3][$0 % 3] }
        var energy = 0.0
        #expect(macemd_evaluate(model, Int64(system.count), x, z, cell, nil, &energy, nil, nil, nil, nil, 0) == CStatus.ok)
        #expect(abs(energy - (try CModel.evaluate(model, system).energy)) <= 1e-10)
    }
}
