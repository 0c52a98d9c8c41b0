import Foundation
import Testing
import MDCore
import MACE
import MDPotentials
import TestSupport
@testable import MACEConversion

/// Models trained with InstaDeep's mlip (JAX), converted by scripts/conversion/mlip_convert.py,
/// against mlip's own float64 (jax x64) energies, forces and stress
/// (fixtures: scripts/fixtures/make_mlip_fixtures.py, Resources/mlip).
///
/// float64: |ΔE| ≤ 1e-9·|E|, max|ΔF| ≤ 1e-6·max|F| + 1e-9 eV/Å, |Δσ| ≤ 1e-6·max|σ| + 1e-9 eV/Å³;
/// float32: MACETests' float32 tolerances, |ΔE| ≤ 1e-5·(|E| + N), max|ΔF| ≤ 2e-3·max|F| + 1e-5.
@Suite struct MLIPParityTests {
    /// Reference files `<kind>.reference.json`; `v2_multihead.spice` is the second head of `v2_multihead`.
    /// `v1_*` are mlip v1 models (mlip/models_v1, the e3nn-jax port; `v1_two_heads_summed`: v1 sums its heads).
    static let kinds = ["v2_small", "v2_lmax3_corr2", "v2_three_layers_residual_first", "v2_multihead", "v2_multihead.spice",
                        "v1_small", "v1_lmax3_symmetric_corr2", "v1_three_layers_lmax1", "v1_two_heads_summed"]
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Resources/mlip")

    struct Tolerance { let energyRelative: Double; let energyPerAtom: Double; let relative: Double; let absolute: Double }

    @Test(arguments: kinds) func float64Parity(kind: String) throws {
        try check(kind, precision: .float64, Tolerance(energyRelative: 1e-9, energyPerAtom: 0, relative: 1e-6, absolute: 1e-9))
    }

    @Test(arguments: kinds) func float32Parity(kind: String) throws {
        try check(kind, precision: .float32, Tolerance(energyRelative: 1e-5, energyPerAtom: 1e-5, relative: 2e-3, absolute: 1e-5))
    }

    func check(_ kind: String, precision: MACEPrecision, _ tol: Tolerance) throws {
        let reference = try ConversionReference(Self.directory.appendingPathComponent("\(kind).reference.json"))
        let mace = try MACEPotential(contentsOf: Self.directory.appendingPathComponent(try #require(reference.modelFile)),
                                     precision: precision, head: reference.head)
        for s in reference.structures {
            let r = try mace.evaluate(s.system)
            let n = Double(s.system.count)
            #expect(abs(r.energy - s.energy) <= tol.energyRelative * abs(s.energy) + tol.energyPerAtom * n,
                    "\(kind)/\(s.name): E \(r.energy) vs mlip \(s.energy)")
            let fmax = s.forces.reduce(0) { max($0, length($1)) }
            let df = zip(r.forces, s.forces).reduce(0) { max($0, length($1.0 - $1.1)) }
            #expect(df <= tol.relative * fmax + tol.absolute, "\(kind)/\(s.name): max |ΔF| = \(df) (max |F| \(fmax))")
            if let ref = s.stress {
                let sigma = try #require(r.stress(volume: s.system.cell.volume))
                let ds = (sigma - ref).maxAbs
                #expect(ds <= tol.relative * ref.maxAbs + tol.absolute, "\(kind)/\(s.name): max |Δσ| = \(ds)")
            }
        }
    }

    /// `macemd convert` on an mlip model with an option MaceMD does not run (v2 gate_nodes, v1
    /// species_embedding_dim) names the option, fails and writes nothing — before mlip itself is
    /// needed, so any python3 shows it.
    @Test(arguments: [("v2_gate_nodes_refused.zip", "gate_nodes"),
                      ("v1_species_embedding_refused.zip", "species_embedding_dim")])
    func refusedSourceIsNamedAndNothingIsWritten(file: String, named: String) throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let output = dir.url.appendingPathComponent("out.safetensors")
        let source = Self.directory.appendingPathComponent(file)
        #expect(try ModelSource.detect(source) == .mlip)
        do {
            try ModelConverter(python: "python3").convert(input: source, output: output)
            Issue.record("conversion of \(file) should fail")
        } catch let error as ModelConversionError {
            #expect(String(describing: error).contains(named), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }
}

/// A reference file of make_<framework>_fixtures.py: structures with the framework's results.
struct ConversionReference {
    struct Structure {
        var name: String
        var system: AtomicSystem
        var energy: Double
        var forces: [SIMD3<Double>]
        /// ASE-sign stress in eV/Å³ (fully periodic structures only).
        var stress: Matrix3?
    }
    var head: String?
    /// The converted model the structures were computed with (next to the reference file), when
    /// the file names it (mlip's do; metatrain's model is named after the fixture).
    var modelFile: String?
    var structures: [Structure]

    init(_ url: URL) throws {
        let data = try Data(contentsOf: url)
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(url.lastPathComponent)")
        let list = try #require(root["structures"] as? [[String: Any]], "\(url.lastPathComponent): no structures")
        func vectors(_ any: Any?) throws -> [SIMD3<Double>] {
            try #require(any as? [[Double]], "\(url.lastPathComponent): bad vector list").map { SIMD3($0[0], $0[1], $0[2]) }
        }
        head = root["head"] as? String
        modelFile = root["model_file"] as? String
        structures = try list.map { s in
            let pbc = try #require(s["pbc"] as? [Bool])
            var cell = Cell.none
            if let rows = s["cell"] as? [[Double]] {
                cell = Cell(vectors: try Matrix3(rows), pbc: Periodicity(pbc[0], pbc[1], pbc[2]))
            }
            let system = try AtomicSystem(atomicNumbers: try #require(s["numbers"] as? [Int]),
                                          positions: try vectors(s["positions"]), cell: cell)
            return Structure(name: try #require(s["name"] as? String), system: system,
                             energy: try #require(s["energy"] as? Double), forces: try vectors(s["forces"]),
                             stress: try (s["stress"] as? [[Double]]).map { try Matrix3($0) })
        }
    }
}
