import Foundation
import Testing
import MDCore
import MDPotentials
import MACE
import TestSupport

/// Converted metatrain `experimental.mace` checkpoints against metatomic's own float64 results
/// (scripts/fixtures/make_metatrain_fixtures.py, Resources/metatrain/). Float64 (issue #15):
/// |ΔE| ≤ 1e-9·|E|, max|ΔF| ≤ 1e-6·max|F| + 1e-9 eV/Å, max|Δσ| ≤ 1e-6·max|σ| + 1e-9 eV/Å³.
/// Float32: MACETests' tolerances, |ΔE| ≤ 1e-5·(|E| + N), max|ΔF| ≤ 2e-3·max|F| + 1e-5.
@Suite struct MetatrainParityTests {
    static let kinds = ["trained_cu", "trained_float32", "random_cu_au", "random_nonlinear_zbl", "finetuned_multihead"]

    @Test(arguments: kinds) func float64Parity(kind: String) throws {
        let fixture = try MetatrainFixture(kind)
        let mace = try MACEPotential(contentsOf: fixture.model, precision: .float64)
        for s in fixture.structures {
            let r = try mace.evaluate(s.system)
            #expect(abs(r.energy - s.energy) <= 1e-9 * abs(s.energy), "\(kind)/\(s.name): E \(r.energy) vs \(s.energy)")
            let fmax = s.forces.reduce(0) { max($0, length($1)) }
            let df = zip(r.forces, s.forces).reduce(0) { max($0, length($1.0 - $1.1)) }
            #expect(df <= 1e-6 * fmax + 1e-9, "\(kind)/\(s.name): max |ΔF| = \(df) (max |F| \(fmax))")
            if let ref = s.stress {
                let sigma = try #require(r.stress(volume: s.system.cell.volume))
                let ds = (sigma - ref).maxAbs
                #expect(ds <= 1e-6 * ref.maxAbs + 1e-9, "\(kind)/\(s.name): max |Δσ| = \(ds)")
            }
        }
    }

    @Test(arguments: kinds) func float32Parity(kind: String) throws {
        let fixture = try MetatrainFixture(kind)
        let mace = try MACEPotential(contentsOf: fixture.model, precision: .float32)
        for s in fixture.structures {
            let r = try mace.evaluate(s.system)
            let n = Double(s.system.count)
            #expect(abs(r.energy - s.energy) <= 1e-5 * (abs(s.energy) + n), "\(kind)/\(s.name): E \(r.energy) vs \(s.energy)")
            let fmax = s.forces.reduce(0) { max($0, length($1)) }
            let df = zip(r.forces, s.forces).reduce(0) { max($0, length($1.0 - $1.1)) }
            #expect(df <= 2e-3 * fmax + 1e-5, "\(kind)/\(s.name): max |ΔF| = \(df)")
        }
    }

    /// Each reference covers the four structure kinds, and the forces are large enough to show errors.
    @Test(arguments: kinds) func fixturesCoverEveryStructureKind(kind: String) throws {
        let fixture = try MetatrainFixture(kind)
        #expect(fixture.structures.map(\.name) == ["periodic", "triclinic", "slab", "molecule"])
        #expect(fixture.structures.filter { $0.stress != nil }.count == 2)
        let fmax = fixture.structures.flatMap(\.forces).reduce(0) { max($0, length($1)) }
        #expect(fmax > 1e-2, "\(kind): forces of \(fmax) eV/Å would hide errors")
    }
}

/// One metatrain fixture: the converted model and metatomic's reference results.
struct MetatrainFixture {
    static let directory = TestFiles.repositoryRoot.appendingPathComponent("Tests/MACEConversionTests/Resources/metatrain")
    let model: URL
    let structures: [ConversionReference.Structure]

    init(_ kind: String) throws {
        model = Self.directory.appendingPathComponent("\(kind).safetensors")
        structures = try ConversionReference(Self.directory.appendingPathComponent("\(kind).reference.json")).structures
    }
}
